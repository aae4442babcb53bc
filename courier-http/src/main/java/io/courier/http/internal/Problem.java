package io.courier.http.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.courier.CourierException;
import io.courier.Status;
import io.courier.spi.WireText;
import java.util.Locale;
import java.util.Map;

/**
 * An RFC 9457 problem body as Courier writes it: the standard members {@code type},
 * {@code title}, {@code status} and {@code detail}, plus {@code code} (the {@link Status} name),
 * {@code retrySafe} and {@code details} (only when there are any), which a Courier client turns
 * back into the same exception.
 *
 * <pre>{@code
 * {"type":"urn:courier:status:NOT_FOUND","title":"Not found","status":404,
 *  "detail":"no order 7","code":"NOT_FOUND","retrySafe":false,"details":{"id":"7"}}
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, Integer status, String detail, String code, Boolean retrySafe,
                      Map<String, String> details) {
    /** The media type of problem bodies. */
    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:courier:status:";

    /**
     * The problem for {@code error}, answered with HTTP status {@code httpStatus}; its detail and
     * details bounded by {@link WireText}, as on every transport.
     */
    static Problem of(CourierException error, int httpStatus) {
        Status status = error.status();
        Map<String, String> details = WireText.details(error.details());
        return new Problem(TYPE_PREFIX + status.name(), title(status), httpStatus, WireText.message(error.getMessage()),
                status.name(), error.retrySafe(), details.isEmpty() ? null : details);
    }

    /**
     * The exception this problem stands for, or null when it names no Courier status (a body
     * from something other than a Courier server).
     */
    CourierException toException() {
        Status status = statusOf(code);
        if (status == null && type != null && type.startsWith(TYPE_PREFIX)) {
            status = statusOf(type.substring(TYPE_PREFIX.length()));
        }
        if (status == null || status == Status.OK) {
            return null;
        }
        String message = detail != null ? detail : title != null ? title : status.name();
        boolean safe = retrySafe != null ? retrySafe : CourierException.defaultRetrySafe(status);
        return CourierException.of(status, message, details, safe);
    }

    private static Status statusOf(String name) {
        if (name == null) {
            return null;
        }
        try {
            return Status.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code NOT_FOUND} as {@code Not found}. */
    static String title(Status status) {
        String words = status.name().replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
