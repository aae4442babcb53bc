package io.courier.spi;

import io.courier.Limits;
import java.lang.reflect.Type;

/**
 * Turns values into bytes and back for one media type. Found with {@link java.util.ServiceLoader}
 * (declare it with {@code provides io.courier.spi.Codec with ...}) or registered with
 * {@code Courier.builder().codec(...)}; the last registered codec for a media type wins.
 *
 * <p>A codec must be thread-safe, must decode only into the type it is given (never into a
 * class named by the payload), and must report bad input as
 * {@link io.courier.InvalidArgumentException} with a message naming where in the payload the
 * problem is and what was expected. Decoding must take time proportional to the input: a codec
 * bounds numbers, strings, nesting and collections by {@link #withLimits(Limits)}.
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

    /**
     * The {@code Content-Type} to label the bytes of a value of {@code type} with: the
     * {@linkplain #mediaType() media type}, plus parameters when the format needs the reader to
     * know more than the bytes say (the Avro codec names its writer schema there). The default is
     * the media type alone.
     */
    default String contentType(Type type) {
        return mediaType();
    }

    /**
     * The value of {@code type} in {@code bytes}, which arrived labelled {@code contentType}
     * (parameters included; null when the transport has none). Transports call this one; the
     * default ignores the label and calls {@link #decode(byte[], Type)}.
     *
     * @throws io.courier.InvalidArgumentException when the bytes are not a valid {@code type}, or
     *     the label names something this codec cannot read
     */
    default Object decode(byte[] bytes, Type type, String contentType) {
        return decode(bytes, type);
    }

    /**
     * This codec, enforcing {@code limits} while it decodes: the digits and scale of numbers,
     * the length of strings, nesting depth, elements per collection and the size of the input
     * (see {@link Limits}). {@code Courier} calls it on every codec it is given or
     * finds, with its own limits, so every transport decodes within the same bounds.
     *
     * <p>The default returns this codec unchanged: a codec that does not override it is
     * trusted to bound its work by itself. Courier's codecs enforce {@link Limits#defaults()}
     * until configured otherwise.
     *
     * @return a codec of the same media type that enforces {@code limits}; this one is unchanged
     */
    default Codec withLimits(Limits limits) {
        return this;
    }
}
