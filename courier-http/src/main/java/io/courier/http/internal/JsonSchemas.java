package io.courier.http.internal;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses) of the Java types a contract carries, as
 * JSON trees of maps and lists: records become named schemas in {@link #components()}, referred
 * to by {@code $ref}, named by their simple name (qualified by their enclosing classes only when
 * two records share one). Describes what the JSON codec writes. Not thread-safe: one per document.
 */
final class JsonSchemas {
    private final Map<String, Object> components = new java.util.TreeMap<>();
    private final Map<Class<?>, String> names = new LinkedHashMap<>();

    /** The named schemas referred to so far. */
    Map<String, Object> components() {
        return components;
    }

    /** The schema of {@code type}. */
    Map<String, Object> of(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == Optional.class) {
                return of(args[0]);
            }
            if (Collection.class.isAssignableFrom(raw)) {
                return array(of(args[0]));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return map("type", "object", "additionalProperties", of(args[1]));
            }
            return of(raw);
        }
        if (type instanceof GenericArrayType a) {
            return array(of(a.getGenericComponentType()));
        }
        if (type instanceof WildcardType w) {
            return of(w.getUpperBounds()[0]);
        }
        if (!(type instanceof Class<?> c)) {
            return map();
        }
        if (c == String.class || c == char.class || c == Character.class) {
            return map("type", "string");
        }
        if (c == boolean.class || c == Boolean.class) {
            return map("type", "boolean");
        }
        if (c == int.class || c == Integer.class || c == short.class || c == Short.class || c == byte.class
                || c == Byte.class) {
            return map("type", "integer", "format", "int32");
        }
        if (c == long.class || c == Long.class) {
            return map("type", "integer", "format", "int64");
        }
        if (c == float.class || c == Float.class) {
            return map("type", "number", "format", "float");
        }
        if (c == double.class || c == Double.class) {
            return map("type", "number", "format", "double");
        }
        if (c == BigInteger.class) {
            return map("type", "integer");
        }
        if (c == BigDecimal.class) {
            return map("type", "number");
        }
        if (c == byte[].class) {
            return map("type", "string", "contentEncoding", "base64");
        }
        if (c == Instant.class || c == OffsetDateTime.class || c == ZonedDateTime.class) {
            return map("type", "string", "format", "date-time");
        }
        if (c == LocalDate.class) {
            return map("type", "string", "format", "date");
        }
        if (c == LocalTime.class) {
            return map("type", "string", "format", "time");
        }
        if (c == LocalDateTime.class) {
            return map("type", "string");
        }
        if (c == Duration.class) {
            return map("type", "string", "format", "duration");
        }
        if (c == UUID.class) {
            return map("type", "string", "format", "uuid");
        }
        if (c.isArray()) {
            return array(of(c.getComponentType()));
        }
        if (c.isEnum()) {
            List<String> constants = new ArrayList<>();
            for (Object constant : c.getEnumConstants()) {
                constants.add(((Enum<?>) constant).name());
            }
            return map("type", "string", "enum", constants);
        }
        if (c.isRecord()) {
            return map("$ref", "#/components/schemas/" + record(c));
        }
        return map();
    }

    /** Whether a value of this element may be absent (Courier's null rule): {@code Optional}, a primitive, or {@code @Nullable}. */
    static boolean optional(Type type, AnnotatedElement element) {
        if (type instanceof Class<?> c && c.isPrimitive()) {
            return true;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            return true;
        }
        for (var a : element.getAnnotations()) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    private String record(Class<?> c) {
        String known = names.get(c);
        if (known != null) {
            return known;
        }
        String name = c.getSimpleName();
        if (names.containsValue(name)) {
            name = c.getName().substring(c.getPackageName().isEmpty() ? 0 : c.getPackageName().length() + 1)
                    .replace('$', '.');
        }
        if (names.containsValue(name)) {
            String taken = name;
            Class<?> other = names.entrySet().stream().filter(e -> e.getValue().equals(taken)).findFirst()
                    .orElseThrow().getKey();
            throw new io.courier.contract.InvalidContractException(c.getName() + " and " + other.getName()
                    + " would both be the JSON schema " + name + " (expected: distinct simple names; rename one,"
                    + " or nest it in a class whose name qualifies it)");
        }
        names.put(c, name);
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        Map<String, Object> schema = map("type", "object", "properties", properties);
        components.put(name, schema); // before the components, so a record that refers to itself ends
        for (RecordComponent rc : c.getRecordComponents()) {
            properties.put(rc.getName(), of(rc.getGenericType()));
            if (!optional(rc.getGenericType(), rc)) {
                required.add(rc.getName());
            }
        }
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        return name;
    }

    private static Map<String, Object> array(Map<String, Object> items) {
        return map("type", "array", "items", items);
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
