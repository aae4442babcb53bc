package io.courier;

import java.util.Map;

/**
 * The request itself is wrong: malformed, mistyped or out of range ({@link Status#INVALID_ARGUMENT}
 * or {@link Status#OUT_OF_RANGE}, HTTP 400). Sending it again gives the same answer.
 */
public class InvalidArgumentException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** An {@link Status#INVALID_ARGUMENT} error with a message naming what was wrong and what was expected. */
    public InvalidArgumentException(String message) {
        this(Status.INVALID_ARGUMENT, message, Map.of());
    }

    /** An error with {@link Status#INVALID_ARGUMENT} or {@link Status#OUT_OF_RANGE}. */
    public InvalidArgumentException(Status status, String message, Map<String, String> details) {
        super(require(status), message, details, false, null);
    }

    private static Status require(Status status) {
        if (status != Status.INVALID_ARGUMENT && status != Status.OUT_OF_RANGE) {
            throw new IllegalArgumentException("status: " + status + " (expected: INVALID_ARGUMENT or OUT_OF_RANGE)");
        }
        return status;
    }
}
