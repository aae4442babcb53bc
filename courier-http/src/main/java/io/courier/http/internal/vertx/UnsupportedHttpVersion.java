package io.courier.http.internal.vertx;

/**
 * Why {@link StrictRequestDecoder} refused a request: its request line names an HTTP version
 * other than 1.0 and 1.1 (answered 505, RFC 9110 15.6.6).
 */
public final class UnsupportedHttpVersion extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnsupportedHttpVersion(String message) {
        super(message);
    }
}
