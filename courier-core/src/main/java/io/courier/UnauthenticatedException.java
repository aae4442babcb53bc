package io.courier;

import java.util.Map;

/**
 * The caller could not be identified ({@link Status#UNAUTHENTICATED}, HTTP 401).
 */
public class UnauthenticatedException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** An error with a message for people. */
    public UnauthenticatedException(String message) {
        this(message, Map.of());
    }

    /** An error with a message and details that cross the wire with it. */
    public UnauthenticatedException(String message, Map<String, String> details) {
        super(Status.UNAUTHENTICATED, message, details, false, null);
    }
}
