package io.courier;

import java.util.Map;

/**
 * The system is not in a state in which the call can run ({@link Status#FAILED_PRECONDITION}, HTTP 412).
 */
public class FailedPreconditionException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** An error with a message for people. */
    public FailedPreconditionException(String message) {
        this(message, Map.of());
    }

    /** An error with a message and details that cross the wire with it. */
    public FailedPreconditionException(String message, Map<String, String> details) {
        super(Status.FAILED_PRECONDITION, message, details, false, null);
    }
}
