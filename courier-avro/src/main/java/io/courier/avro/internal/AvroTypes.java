package io.courier.avro.internal;

import io.courier.Limits;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@link AvroType} of each Java type, derived once and cached: records, enums, scalars,
 * collections, maps with {@code String} keys and {@code Optional}s of them. Thread-safe.
 */
public final class AvroTypes {
    private static final String EXPECTED = "a record, enum, primitive or box, String, byte[], Instant, LocalDate, UUID,"
            + " BigDecimal, BigInteger, Duration, a java.time date or time, or a List, Set, Map<String, V> or Optional"
            + " of one";

    private final Limits limits;
    private final Map<Type, AvroType> byType = new ConcurrentHashMap<>();
    /** Records being derived or derived, by class: one schema per class, recursion included. */
    private final Map<Class<?>, RecordType> records = new HashMap<>();
    /** Full Avro names taken, by class. */
    private final Map<String, Class<?>> names = new HashMap<>();

    public AvroTypes(Limits limits) {
        this.limits = limits;
    }

    /**
     * The Avro type of {@code type} at the top of a body.
     *
     * @throws IllegalArgumentException naming the type when it has no Avro form
     */
    public AvroType of(Type type) {
        AvroType known = byType.get(type);
        if (known != null) {
            return known;
        }
        synchronized (records) {
            AvroType derived = derive(type, type.getTypeName());
            byType.put(type, derived);
            return derived;
        }
    }

    /**
     * The type of a record component: a union with null (default null) unless it is a
     * primitive, a collection or a map. Codecs report absence and Courier's null rule decides
     * what it means, the same for every format: so a required component is nullable in the
     * schema too, and a reader that gains one reads its absence as null, which the null rule
     * then refuses naming it, exactly as for JSON.
     */
    AvroType component(RecordComponent c, String where) {
        AvroType t = derive(c.getGenericType(), where);
        boolean neverNull = c.getType().isPrimitive() || t instanceof ContainerTypes.ArrayType
                || t instanceof ContainerTypes.MapType || t instanceof ContainerTypes.NullableType;
        return neverNull ? t : new ContainerTypes.NullableType(t, false);
    }

    private AvroType derive(Type type, String where) {
        if (type instanceof Class<?> c) {
            ScalarType scalar = ScalarType.of(c, limits);
            if (scalar != null) {
                return scalar;
            }
            if (c.isEnum()) {
                return new ContainerTypes.EnumType(c, namespace(c));
            }
            if (c.isRecord()) {
                RecordType known = records.get(c);
                if (known == null) {
                    known = new RecordType(c, namespace(c));
                    records.put(c, known);
                    known.complete(this);
                }
                return known;
            }
            if (SpecificRecord.class.isAssignableFrom(c)) {
                throw new IllegalArgumentException(where + ": Avro-generated class " + c.getName() + " inside a record"
                        + " (expected: generated classes at the top of a body only; or a record in its place)");
            }
            if (c.isArray()) {
                return new ContainerTypes.ArrayType(derive(c.getComponentType(), where + "[]"), false);
            }
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (raw == Optional.class) {
                return new ContainerTypes.NullableType(derive(bound(args[0]), where), true);
            }
            if (raw == List.class || raw == Collection.class) {
                return new ContainerTypes.ArrayType(derive(bound(args[0]), where + "[]"), false);
            }
            if (raw == Set.class) {
                return new ContainerTypes.ArrayType(derive(bound(args[0]), where + "[]"), true);
            }
            if (raw == Map.class) {
                if (bound(args[0]) != String.class) {
                    throw new IllegalArgumentException(where + ": map key " + args[0].getTypeName()
                            + " (expected: String; Avro maps have string keys)");
                }
                return new ContainerTypes.MapType(derive(bound(args[1]), where + "{}"));
            }
        }
        if (type instanceof GenericArrayType g) {
            return new ContainerTypes.ArrayType(derive(g.getGenericComponentType(), where + "[]"), false);
        }
        throw new IllegalArgumentException(where + ": type " + type.getTypeName() + " (expected: " + EXPECTED + ")");
    }

    private static Type bound(Type t) {
        return t instanceof WildcardType w ? w.getUpperBounds()[0] : t;
    }

    /**
     * The package: a record keeps its full name when it moves between enclosing classes, as
     * two versions of a contract do, and Avro resolves only records of the same full name (or
     * alias). A second class of the same simple name in the package adds its enclosing classes,
     * so the two stay apart in one schema.
     */
    private String namespace(Class<?> c) {
        String pkg = c.getPackageName();
        String full = (pkg.isEmpty() ? "" : pkg + ".") + c.getSimpleName();
        Class<?> taken = names.putIfAbsent(full, c);
        if (taken == null || taken == c || c.getEnclosingClass() == null) {
            return pkg.isEmpty() ? null : pkg;
        }
        String name = c.getName();
        return name.substring(0, name.length() - c.getSimpleName().length() - 1).replace('$', '.');
    }
}
