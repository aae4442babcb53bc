package io.courier.spi;

import java.lang.reflect.Type;

/**
 * Turns values into bytes and back for one media type. Found with {@link java.util.ServiceLoader}
 * (declare it with {@code provides io.courier.spi.Codec with ...}) or registered with
 * {@code Courier.builder().codec(...)}; the last registered codec for a media type wins.
 *
 * <p>A codec must be thread-safe, must decode only into the type it is given (never into a
 * class named by the payload), and must report bad input as
 * {@link io.courier.InvalidArgumentException} with a message naming where in the payload the
 * problem is and what was expected.
 */
public interface Codec {
    /** The media type written and read, e.g. {@code application/json}, without parameters. */
    String mediaType();

    /** The bytes of {@code value}, declared as {@code type}. */
    byte[] encode(Object value, Type type);

    /**
     * The value of {@code type} in {@code bytes}.
     *
     * @throws io.courier.InvalidArgumentException when the bytes are not a valid {@code type}
     */
    Object decode(byte[] bytes, Type type);
}
