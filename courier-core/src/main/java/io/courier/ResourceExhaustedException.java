package io.courier;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A limit was hit: a body or header too large, too many calls in flight, a quota
 * ({@link Status#RESOURCE_EXHAUSTED}, HTTP 413, 429 or 431). Retry-safe by default, since the
 * request was refused before it took effect.
 *
 * <p>A refusal that says when to come back carries the {@link #RETRY_AFTER_MILLIS} detail: over
 * REST it is sent as {@code Retry-After} (whole seconds, rounded up), over gRPC as
 * {@code grpc-retry-pushback-ms}. A refusal because the server as a whole is overloaded, not
 * because this caller went over its own quota, carries {@link #SERVER_OVERLOADED} and is
 * answered over REST with 503 rather than 429 ({@link #overloaded}).
 *
 * <pre>{@code
 * throw ResourceExhaustedException.rateLimited("over 100 calls per second", Duration.ofMillis(250));
 * }</pre>
 */
public class ResourceExhaustedException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** The detail holding how long the caller should wait before trying again, in milliseconds. */
    public static final String RETRY_AFTER_MILLIS = "retry-after-ms";

    /**
     * The detail, {@code true}, that marks a refusal by a server shedding load: the request was
     * not run, the server took nothing from this caller's quota, and another instance may serve it.
     */
    public static final String SERVER_OVERLOADED = "server-overloaded";

    /** A retry-safe error with a message naming the limit. */
    public ResourceExhaustedException(String message) {
        this(message, Map.of(), true);
    }

    /** An error with details and the given retry safety. */
    public ResourceExhaustedException(String message, Map<String, String> details, boolean retrySafe) {
        super(Status.RESOURCE_EXHAUSTED, message, details, retrySafe, null);
    }

    /** A retry-safe refusal of a caller over its quota, asking it to wait {@code retryAfter}. */
    public static ResourceExhaustedException rateLimited(String message, Duration retryAfter) {
        return new ResourceExhaustedException(message, Map.of(RETRY_AFTER_MILLIS, millis(retryAfter)), true);
    }

    /** A retry-safe refusal by a server shedding load, asking the caller to wait {@code retryAfter}. */
    public static ResourceExhaustedException overloaded(String message, Duration retryAfter) {
        return new ResourceExhaustedException(message, Map.of(RETRY_AFTER_MILLIS, millis(retryAfter),
                SERVER_OVERLOADED, "true"), true);
    }

    /**
     * How long {@code error} asks the caller to wait before trying again (its
     * {@link #RETRY_AFTER_MILLIS} detail), or null when it does not say or says it unreadably.
     */
    public static Duration retryAfter(CourierException error) {
        String value = error.details().get(RETRY_AFTER_MILLIS);
        if (value == null) {
            return null;
        }
        try {
            long ms = Long.parseLong(value);
            return ms < 0 ? null : Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String millis(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: >= 0)");
        }
        // Rounded up: a caller told to wait 0.4 ms and coming back at once would be refused again.
        long ms = retryAfter.toMillis() + (retryAfter.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
        return Long.toString(ms);
    }
}
