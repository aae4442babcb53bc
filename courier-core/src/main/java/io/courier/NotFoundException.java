package io.courier;

import java.util.Map;

/**
 * The addressed thing does not exist ({@link Status#NOT_FOUND}, HTTP 404).
 */
public class NotFoundException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** An error with a message for people. */
    public NotFoundException(String message) {
        this(message, Map.of());
    }

    /** An error with a message and details that cross the wire with it. */
    public NotFoundException(String message, Map<String, String> details) {
        super(Status.NOT_FOUND, message, details, false, null);
    }
}
