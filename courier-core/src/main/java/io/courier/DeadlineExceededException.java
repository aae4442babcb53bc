package io.courier;

import java.util.Map;

/**
 * The call's deadline passed before it completed ({@link Status#DEADLINE_EXCEEDED}, HTTP 504).
 * The call may or may not have taken effect on the server.
 */
public class DeadlineExceededException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** An error with a message for people. */
    public DeadlineExceededException(String message) {
        this(message, Map.of());
    }

    /** An error with a message and details that cross the wire with it. */
    public DeadlineExceededException(String message, Map<String, String> details) {
        super(Status.DEADLINE_EXCEEDED, message, details, false, null);
    }
}
