package io.courier;

import java.util.Map;

/**
 * The operation is not served here: an unknown route or method ({@link Status#UNIMPLEMENTED}, HTTP 501 or 405).
 */
public class UnimplementedException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** An error with a message for people. */
    public UnimplementedException(String message) {
        this(message, Map.of());
    }

    /** An error with a message and details that cross the wire with it. */
    public UnimplementedException(String message, Map<String, String> details) {
        super(Status.UNIMPLEMENTED, message, details, false, null);
    }
}
