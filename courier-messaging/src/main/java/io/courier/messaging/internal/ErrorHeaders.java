package io.courier.messaging.internal;

import io.courier.CourierException;
import io.courier.InternalException;
import io.courier.Metadata;
import io.courier.Status;
import io.courier.messaging.MessageHeaders;
import io.courier.spi.WireText;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link CourierException} written as reply headers and read back: how handler errors reach callers typed. */
final class ErrorHeaders {
    private ErrorHeaders() {
    }

    /** {@code error} as reply headers, its message and details bounded by {@link WireText} as on every transport. */
    static Metadata write(CourierException error) {
        Metadata h = Metadata.of(MessageHeaders.STATUS, error.status().name())
                .with(MessageHeaders.ERROR_MESSAGE, WireText.message(error.getMessage()))
                .with(MessageHeaders.ERROR_RETRY_SAFE, Boolean.toString(error.retrySafe()));
        for (Map.Entry<String, String> d : WireText.details(error.details()).entrySet()) {
            h = h.with(MessageHeaders.ERROR_DETAIL_PREFIX + d.getKey(), d.getValue());
        }
        return h;
    }

    /** The error a reply carries, or null for a successful one. */
    static CourierException read(Metadata headers) {
        String statusName = headers.get(MessageHeaders.STATUS).orElse(Status.OK.name());
        Status status;
        try {
            status = Status.valueOf(statusName);
        } catch (IllegalArgumentException e) {
            return new InternalException("reply with status \"" + statusName + "\" (expected: a Status name)");
        }
        if (status == Status.OK) {
            return null;
        }
        Map<String, String> details = new HashMap<>();
        for (Map.Entry<String, List<String>> e : headers.asMap().entrySet()) {
            if (e.getKey().startsWith(MessageHeaders.ERROR_DETAIL_PREFIX)) {
                details.put(e.getKey().substring(MessageHeaders.ERROR_DETAIL_PREFIX.length()), e.getValue().get(0));
            }
        }
        return CourierException.of(status, headers.get(MessageHeaders.ERROR_MESSAGE).orElse(status.name()), details,
                Boolean.parseBoolean(headers.get(MessageHeaders.ERROR_RETRY_SAFE).orElse("false")));
    }
}
