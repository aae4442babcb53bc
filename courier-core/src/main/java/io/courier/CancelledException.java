package io.courier;

import java.util.Map;

/** The call was cancelled, usually by the caller ({@link Status#CANCELLED}, HTTP 499). */
public class CancelledException extends CourierException {
    private static final long serialVersionUID = 1L;

    /** A cancellation with a message for people. */
    public CancelledException(String message) {
        this(message, Map.of(), false);
    }

    /** A cancellation with details, retry-safe when it happened before the request was sent. */
    public CancelledException(String message, Map<String, String> details, boolean retrySafe) {
        super(Status.CANCELLED, message, details, retrySafe, null);
    }
}
