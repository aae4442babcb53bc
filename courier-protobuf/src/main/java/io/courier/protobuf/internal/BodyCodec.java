package io.courier.protobuf.internal;

import com.google.protobuf.MessageLite;
import io.courier.Limits;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a whole body of one Java type travels: a protoc-generated message as itself, a record as
 * its message, nothing for {@code void}, and any other value in a one-field wrapper message
 * (field 1, as in {@code google.protobuf.StringValue}). Immutable and thread-safe.
 */
public abstract class BodyCodec {
    /** The codec for bodies declared as {@code type}. */
    public static BodyCodec of(Type type) {
        if (type == void.class || type == Void.class) {
            return new BodyCodec() {
                @Override
                public byte[] encode(Object value) {
                    return new byte[0];
                }

                @Override
                public Object decode(byte[] bytes, Limits limits) {
                    // google.protobuf.Empty: whatever fields a newer peer sends are unknown, so skipped.
                    return null;
                }
            };
        }
        if (type instanceof Class<?> c && GeneratedType.isGenerated(c)) {
            GeneratedType generated = GeneratedType.of(c);
            return new BodyCodec() {
                @Override
                public byte[] encode(Object value) {
                    return value == null ? new byte[0] : ((MessageLite) value).toByteArray();
                }

                @Override
                public Object decode(byte[] bytes, Limits limits) {
                    try {
                        return generated.parse(bytes, limits);
                    } catch (DecodeFailure f) {
                        throw f.toException();
                    }
                }
            };
        }
        boolean record = type instanceof Class<?> c && c.isRecord();
        MessageCodec codec = record ? MessageCodec.forRecord((Class<?>) type) : MessageCodec.wrapper(simpleName(type), type);
        return new BodyCodec() {
            @Override
            public byte[] encode(Object value) {
                // A record's fields come from the value; a wrapper's field is the value, null included.
                return value == null && record ? new byte[0] : codec.encode(value);
            }

            @Override
            public Object decode(byte[] bytes, Limits limits) {
                return codec.decode(bytes, limits);
            }
        };
    }

    /** The bytes of {@code value}; null is the empty message. */
    public abstract byte[] encode(Object value);

    /**
     * The value in {@code bytes}, decoded within {@code limits}.
     *
     * @throws io.courier.InvalidArgumentException naming the message, field and problem
     */
    public abstract Object decode(byte[] bytes, Limits limits);

    /** {@code List<Order>} rather than {@code java.util.List<com.example.Order>}, for messages. */
    static String simpleName(Type type) {
        if (type instanceof Class<?> c) {
            return c.getSimpleName();
        }
        if (type instanceof ParameterizedType p) {
            return simpleName(p.getRawType()) + Arrays.stream(p.getActualTypeArguments())
                    .map(BodyCodec::simpleName).collect(Collectors.joining(", ", "<", ">"));
        }
        return type.getTypeName();
    }
}
