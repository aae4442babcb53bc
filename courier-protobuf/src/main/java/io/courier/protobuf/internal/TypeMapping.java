package io.courier.protobuf.internal;

import io.courier.contract.InvalidContractException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Which {@link ProtoType} and {@link FieldSlot} a Java type maps to; the table is in docs/protobuf.md. */
public final class TypeMapping {
    private static final String EXPECTED = "a record, enum, primitive or box, String, byte[], Instant, Duration,"
            + " BigDecimal, BigInteger, UUID, a java.time date or time, a protoc-generated message, or a List, Set,"
            + " Map or Optional of one";

    private static final ClassValue<RecordType> RECORDS = new ClassValue<>() {
        @Override
        protected RecordType computeValue(Class<?> type) {
            return new RecordType(type);
        }
    };

    private TypeMapping() {
    }

    /** The type of one value of {@code type}, which must not be a collection, map or Optional. */
    public static ProtoType element(Type type, String where) {
        if (type instanceof Class<?> c) {
            if (c == int.class || c == Integer.class) {
                return ScalarType.INT32;
            } else if (c == long.class || c == Long.class) {
                return ScalarType.INT64;
            } else if (c == boolean.class || c == Boolean.class) {
                return ScalarType.BOOL;
            } else if (c == double.class || c == Double.class) {
                return ScalarType.DOUBLE;
            } else if (c == float.class || c == Float.class) {
                return ScalarType.FLOAT;
            } else if (c == short.class || c == Short.class) {
                return ScalarType.INT16;
            } else if (c == byte.class || c == Byte.class) {
                return ScalarType.INT8;
            } else if (c == String.class) {
                return ScalarType.STRING;
            } else if (c == byte[].class) {
                return ScalarType.BYTES;
            } else if (c == Instant.class) {
                return SecondsNanosType.TIMESTAMP;
            } else if (c == Duration.class) {
                return SecondsNanosType.DURATION;
            } else if (c == char.class) {
                return TextType.forClass(Character.class);
            } else if (TextType.forClass(c) != null) {
                return TextType.forClass(c);
            } else if (c.isEnum()) {
                return EnumType.of(c);
            } else if (c.isRecord()) {
                return RECORDS.get(c);
            } else if (GeneratedType.isGenerated(c)) {
                return GeneratedType.of(c);
            }
        }
        Class<?> raw = raw(type);
        if (raw == Optional.class || Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)) {
            throw new InvalidContractException(where + ": type " + described(type) + " nested in a collection,"
                    + " map or Optional (expected: one level only; wrap the inner one in a record)");
        }
        throw new InvalidContractException(where + ": type " + described(type) + " (expected: " + EXPECTED + ")");
    }

    /** The field for a record component or parameter named {@code javaName} of {@code type}. */
    public static FieldSlot slot(String owner, int number, String javaName, Type type) {
        String where = owner + "." + javaName;
        String proto = SchemaNames.snakeCase(javaName);
        Class<?> raw = raw(type);
        if (raw == Optional.class) {
            return new OptionalSlot(owner, number, javaName, proto, element(argument(type, 0, where), where), true);
        }
        if (raw == Integer.class || raw == Long.class || raw == Boolean.class || raw == Double.class
                || raw == Float.class || raw == Short.class || raw == Byte.class) {
            return new OptionalSlot(owner, number, javaName, proto, element(raw, where), false);
        }
        if (raw == List.class || raw == Set.class || raw == Collection.class) {
            return new RepeatedSlot(owner, number, javaName, proto, element(argument(type, 0, where), where),
                    raw == Set.class);
        }
        if (raw == Map.class) {
            ProtoType key = element(argument(type, 0, where), where);
            if (!key.mapKey()) {
                throw new InvalidContractException(where + ": map key " + described(argument(type, 0, where))
                        + " (expected: a String, integer, boolean, or a type sent as a string such as UUID)");
            }
            return new MapSlot(owner, number, javaName, proto, key, element(argument(type, 1, where), where));
        }
        if (Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)) {
            throw new InvalidContractException(where + ": type " + described(type)
                    + " (expected: the interface List, Set, Collection or Map as the declared type)");
        }
        return new SingularSlot(owner, number, javaName, proto, element(type, where));
    }

    private static Type argument(Type type, int index, String where) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[index];
        }
        throw new InvalidContractException(where + ": raw type " + described(type)
                + " (expected: type arguments, e.g. List<String>)");
    }

    /**
     * {@code type} for messages: the JDK's types by their simple names ({@code List<Integer>}),
     * the user's own as Java names them.
     */
    static String described(Type type) {
        return JDK_PACKAGE.matcher(type.getTypeName()).replaceAll("");
    }

    private static final java.util.regex.Pattern JDK_PACKAGE =
            java.util.regex.Pattern.compile("\\bjava\\.(?:lang|util|time|math)\\.(?=[A-Z])");

    static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }
}
