package io.courier;

import java.util.Map;

/**
 * The caller is known but may not do this ({@link Status#PERMISSION_DENIED}, HTTP 403).
 */
public class PermissionDeniedException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** An error with a message for people. */
    public PermissionDeniedException(String message) {
        this(message, Map.of());
    }

    /** An error with a message and details that cross the wire with it. */
    public PermissionDeniedException(String message, Map<String, String> details) {
        super(Status.PERMISSION_DENIED, message, details, false, null);
    }
}
