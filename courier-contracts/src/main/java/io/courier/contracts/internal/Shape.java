package io.courier.contracts.internal;

import io.courier.contracts.Format;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * What a Java type is on the wire, as far as compatibility goes: optional, a list, a map, a
 * record, an enum, or a scalar ({@code int}, {@code long}, {@code string}, ... or the class).
 */
record Shape(Kind kind, Class<?> raw, Type element, String scalar) {
    enum Kind { OPTIONAL, LIST, MAP, RECORD, ENUM, SCALAR }

    static Shape of(Type type) {
        if (type instanceof WildcardType w) {
            return of(w.getUpperBounds()[0]);
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == Optional.class) {
                return new Shape(Kind.OPTIONAL, raw, args[0], null);
            }
            if (Collection.class.isAssignableFrom(raw)) {
                return new Shape(Kind.LIST, raw, args[0], null);
            }
            if (Map.class.isAssignableFrom(raw)) {
                return new Shape(Kind.MAP, raw, args[1], null);
            }
            return of(raw);
        }
        if (type instanceof GenericArrayType a) {
            return new Shape(Kind.LIST, Object[].class, a.getGenericComponentType(), null);
        }
        Class<?> c = (Class<?>) type;
        if (c == byte[].class) {
            return new Shape(Kind.SCALAR, c, null, "bytes");
        }
        if (c.isArray()) {
            return new Shape(Kind.LIST, c, c.getComponentType(), null);
        }
        if (c.isRecord()) {
            return new Shape(Kind.RECORD, c, null, null);
        }
        if (c.isEnum()) {
            return new Shape(Kind.ENUM, c, null, null);
        }
        return new Shape(Kind.SCALAR, c, null, scalar(c));
    }

    private static String scalar(Class<?> c) {
        if (c == int.class || c == Integer.class || c == short.class || c == Short.class || c == byte.class
                || c == Byte.class) {
            return "int";
        }
        if (c == long.class || c == Long.class) {
            return "long";
        }
        if (c == float.class || c == Float.class) {
            return "float";
        }
        if (c == double.class || c == Double.class) {
            return "double";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "boolean";
        }
        if (c == String.class || c == char.class || c == Character.class) {
            return "string";
        }
        if (c == void.class || c == Void.class) {
            return "void";
        }
        return c.getName();
    }

    /** For messages: {@code int}, {@code List<Item>}, {@code Order}. */
    String describe() {
        return switch (kind) {
            case OPTIONAL -> "Optional<" + of(element).describe() + ">";
            case LIST -> "List<" + of(element).describe() + ">";
            case MAP -> "Map<String, " + of(element).describe() + ">";
            case RECORD, ENUM -> raw.getSimpleName();
            case SCALAR -> scalar.startsWith("java.") ? raw.getSimpleName() : scalar;
        };
    }

    private int rank() {
        return switch (scalar == null ? "" : scalar) {
            case "int" -> 1;
            case "long" -> 2;
            case "float" -> 3;
            case "double" -> 4;
            default -> 0;
        };
    }

    /**
     * Whether a reader expecting {@code reader} reads what a writer of {@code writer} wrote, in
     * {@code format}: the same scalar; a wider number in JSON, XML and Avro ({@code int} to
     * {@code long}, {@code float}, {@code double}; {@code long} to {@code float},
     * {@code double}; {@code float} to {@code double}); in Protobuf only {@code int32} to
     * {@code int64}, both varints.
     */
    static boolean promotes(Shape writer, Shape reader, Format format) {
        if (writer.kind != Kind.SCALAR || reader.kind != Kind.SCALAR) {
            return false;
        }
        if (writer.scalar.equals(reader.scalar)) {
            return true;
        }
        int w = writer.rank();
        int r = reader.rank();
        if (w == 0 || r == 0 || w >= r) {
            return false;
        }
        return switch (format) {
            case JSON, XML, AVRO -> true;
            case PROTOBUF, GRPC -> w == 1 && r == 2;
        };
    }
}
