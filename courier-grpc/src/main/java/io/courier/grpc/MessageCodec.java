package io.courier.grpc;

/**
 * Writes and reads the messages of one contract method in one wire format: the arguments as
 * the request message and the result as the response message. For a method that streams its
 * requests each request message holds one element, passed as a one-element array; for a method
 * that streams its responses each response message holds one element. Must be thread-safe.
 *
 * <p>Obtained from a {@link MessageFormat}; the JSON format and the Protobuf format
 * ({@code courier-protobuf}) make one per method, once.
 */
public interface MessageCodec {
    /** The request message holding {@code args}, the arguments in signature order. */
    byte[] encodeRequest(Object[] args);

    /**
     * The arguments in a request message, in signature order.
     *
     * @throws io.courier.InvalidArgumentException when the bytes are not a valid request
     */
    Object[] decodeRequest(byte[] bytes);

    /** The response message holding {@code result} ({@code null} for {@code void}). */
    byte[] encodeResponse(Object result);

    /**
     * The result in a response message ({@code null} for {@code void}).
     *
     * @throws io.courier.InvalidArgumentException when the bytes are not a valid response
     */
    Object decodeResponse(byte[] bytes);
}
