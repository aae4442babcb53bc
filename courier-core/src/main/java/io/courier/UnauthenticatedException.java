package io.courier;

import java.util.Map;

/**
 * The caller could not be identified ({@link Status#UNAUTHENTICATED}, HTTP 401).
 *
 * <p>Over REST the answer carries a {@code WWW-Authenticate} header (RFC 9110 requires one with
 * every 401): the value of the {@link #CHALLENGE} detail when the error has one, such as
 * {@code Bearer error="invalid_token"}, else {@code Bearer}.
 */
public class UnauthenticatedException extends CourierException {
    private static final long serialVersionUID = 1L;

    /**
     * The detail holding the challenge a REST server sends as {@code WWW-Authenticate}; it
     * crosses the wire as any detail, so it must say no more than the challenge's standard does.
     */
    public static final String CHALLENGE = "www-authenticate";

    /** An error with a message for people. */
    public UnauthenticatedException(String message) {
        this(message, Map.of());
    }

    /** An error with a message and details that cross the wire with it. */
    public UnauthenticatedException(String message, Map<String, String> details) {
        this(message, details, null);
    }

    /** An error with a message, details that cross the wire with it, and its cause (a refused TLS handshake, say). */
    public UnauthenticatedException(String message, Map<String, String> details, Throwable cause) {
        super(Status.UNAUTHENTICATED, message, details, false, cause);
    }
}
