package io.courier;

import java.util.Map;

/**
 * A limit was hit: a body or header too large, too many calls in flight, a quota
 * ({@link Status#RESOURCE_EXHAUSTED}, HTTP 413, 429 or 431). Retry-safe by default, since the
 * request was refused before it took effect.
 */
public class ResourceExhaustedException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** A retry-safe error with a message naming the limit. */
    public ResourceExhaustedException(String message) {
        this(message, Map.of(), true);
    }

    /** An error with details and the given retry safety. */
    public ResourceExhaustedException(String message, Map<String, String> details, boolean retrySafe) {
        super(Status.RESOURCE_EXHAUSTED, message, details, retrySafe, null);
    }
}
