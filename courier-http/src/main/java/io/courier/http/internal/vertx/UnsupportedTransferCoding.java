package io.courier.http.internal.vertx;

/**
 * Why {@link StrictRequestDecoder} refused a request: a transfer coding other than
 * {@code chunked}, which the server does not implement (answered 501, RFC 9112 6.1).
 */
public final class UnsupportedTransferCoding extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnsupportedTransferCoding(String message) {
        super(message);
    }
}
