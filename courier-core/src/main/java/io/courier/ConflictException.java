package io.courier;

import java.util.Map;

/**
 * The call conflicts with the current state: the thing already exists ({@link Status#ALREADY_EXISTS})
 * or a concurrent change won ({@link Status#ABORTED}); HTTP 409.
 */
public class ConflictException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** An {@link Status#ALREADY_EXISTS} error. */
    public ConflictException(String message) {
        this(Status.ALREADY_EXISTS, message, Map.of(), false);
    }

    /** An error with {@link Status#ALREADY_EXISTS} or {@link Status#ABORTED}. */
    public ConflictException(Status status, String message, Map<String, String> details, boolean retrySafe) {
        super(require(status), message, details, retrySafe, null);
    }

    private static Status require(Status status) {
        if (status != Status.ALREADY_EXISTS && status != Status.ABORTED) {
            throw new IllegalArgumentException("status: " + status + " (expected: ALREADY_EXISTS or ABORTED)");
        }
        return status;
    }
}
