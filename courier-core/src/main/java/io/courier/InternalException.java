package io.courier;

import java.util.Map;

/**
 * The server failed in a way the caller cannot fix ({@link Status#INTERNAL}, {@link Status#UNKNOWN}
 * or {@link Status#DATA_LOSS}, HTTP 500). An implementation's unexpected exception reaches the
 * caller as this, with a message that names the method and an error id to find in the server's
 * log, never the exception's own text or stack trace.
 */
public class InternalException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** An {@link Status#INTERNAL} error. */
    public InternalException(String message) {
        this(Status.INTERNAL, message, Map.of());
    }

    /** An error with {@link Status#INTERNAL}, {@link Status#UNKNOWN} or {@link Status#DATA_LOSS}. */
    public InternalException(Status status, String message, Map<String, String> details) {
        super(require(status), message, details, false, null);
    }

    private static Status require(Status status) {
        if (status != Status.INTERNAL && status != Status.UNKNOWN && status != Status.DATA_LOSS) {
            throw new IllegalArgumentException("status: " + status + " (expected: INTERNAL, UNKNOWN or DATA_LOSS)");
        }
        return status;
    }
}
