package io.courier;

import java.util.Map;

/**
 * The service could not be reached or is not taking calls: connection refused, server closed,
 * no endpoint ({@link Status#UNAVAILABLE}, HTTP 503). Retry-safe unless the request may have
 * reached the implementation before the failure (a connection lost mid-call).
 */
public class UnavailableException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** A retry-safe error. */
    public UnavailableException(String message) {
        this(message, Map.of(), true, null);
    }

    /** An error with details, retry safety and the local cause (which never crosses the wire). */
    public UnavailableException(String message, Map<String, String> details, boolean retrySafe, Throwable cause) {
        super(Status.UNAVAILABLE, message, details, retrySafe, cause);
    }
}
