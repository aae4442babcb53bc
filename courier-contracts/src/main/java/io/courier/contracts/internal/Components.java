package io.courier.contracts.internal;

import io.courier.protobuf.Field;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.reflect.AvroAlias;

/** The record components and enum constants of a contract's types, as each format sees them. */
final class Components {
    private static final String JSON_ALIAS = "com.fasterxml.jackson.annotation.JsonAlias";
    private static final String JSON_PROPERTY = "com.fasterxml.jackson.annotation.JsonProperty";

    private Components() {
    }

    /**
     * A record component.
     *
     * @param number        its Protobuf number: {@code @Field}, else its position from 1
     * @param missingBreaks whether the null rule refuses a value without it (not Optional,
     *                      {@code @Nullable}, a collection, a map, an array or a primitive)
     * @param protoMissingBreaks the same on Protobuf, where a missing {@code String} reads as
     *                      {@code ""} and a missing enum as its constant numbered 0
     * @param jsonName      its name in JSON and XML: {@code @JsonProperty}'s, else the component's
     * @param jsonAliases   the names {@code @JsonAlias} lets JSON and XML readers take it from
     * @param avroAliases   the names {@code @AvroAlias} lets Avro readers take it from
     */
    record Component(String name, Type type, int number, boolean missingBreaks, boolean protoMissingBreaks,
                     String jsonName, Set<String> jsonAliases,
                     Set<String> avroAliases) {
        Set<String> aliases() {
            Set<String> all = new LinkedHashSet<>(jsonAliases);
            all.addAll(avroAliases);
            return all;
        }
    }

    static List<Component> of(Class<?> record) {
        List<Component> components = new ArrayList<>();
        RecordComponent[] rcs = record.getRecordComponents();
        for (int i = 0; i < rcs.length; i++) {
            RecordComponent rc = rcs[i];
            java.lang.reflect.Field field = null;
            try {
                field = record.getDeclaredField(rc.getName());
            } catch (NoSuchFieldException e) {
                // every record component has its field
            }
            Field number = rc.getAnnotation(Field.class);
            Set<String> json = new LinkedHashSet<>();
            Set<String> avro = new LinkedHashSet<>();
            String jsonName = rc.getName();
            for (AnnotatedElement e : elements(rc, field)) {
                for (Annotation a : e.getAnnotations()) {
                    if (a.annotationType().getName().equals(JSON_ALIAS)) {
                        json.addAll(Arrays.asList((String[]) value(a)));
                    } else if (a.annotationType().getName().equals(JSON_PROPERTY) && !((String) value(a)).isEmpty()) {
                        jsonName = (String) value(a);
                    }
                }
                for (AvroAlias a : e.getAnnotationsByType(AvroAlias.class)) {
                    avro.add(a.alias());
                }
            }
            boolean missingBreaks = missingBreaks(rc, field);
            Class<?> raw = rc.getType();
            boolean protoDefault = raw == String.class || raw == Character.class
                    || raw.isEnum() && enumNumbers(raw).containsValue(0);
            components.add(new Component(rc.getName(), rc.getGenericType(), number != null ? number.value() : i + 1,
                    missingBreaks, missingBreaks && !protoDefault, jsonName, Set.copyOf(json), Set.copyOf(avro)));
        }
        return components;
    }

    private static List<AnnotatedElement> elements(RecordComponent rc, java.lang.reflect.Field field) {
        List<AnnotatedElement> all = new ArrayList<>(List.of(rc, rc.getAccessor()));
        if (field != null) {
            all.add(field);
        }
        return all;
    }

    /** A Jackson annotation's {@code value()}, read without depending on Jackson. */
    private static Object value(Annotation a) {
        try {
            return a.annotationType().getMethod("value").invoke(a);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(a.annotationType().getName() + " without value(): " + a, e);
        }
    }

    private static boolean missingBreaks(RecordComponent rc, java.lang.reflect.Field field) {
        Class<?> raw = rc.getType();
        if (raw.isPrimitive() || raw == Optional.class || raw.isArray() || Collection.class.isAssignableFrom(raw)
                || Map.class.isAssignableFrom(raw)) {
            return false;
        }
        List<Annotation> annotations = new ArrayList<>(Arrays.asList(rc.getAnnotatedType().getAnnotations()));
        for (AnnotatedElement e : elements(rc, field)) {
            annotations.addAll(Arrays.asList(e.getAnnotations()));
        }
        return annotations.stream().noneMatch(a -> a.annotationType().getSimpleName().equals("Nullable"));
    }

    /** The full name courier-avro gives a record or enum: its package and simple name. */
    static String avroFullName(Class<?> type) {
        String pkg = type.getPackageName();
        return pkg.isEmpty() ? type.getSimpleName() : pkg + "." + type.getSimpleName();
    }

    /** A record's {@code @AvroAlias} full names (the alias's space, else the record's package). */
    static Set<String> avroAliases(Class<?> type) {
        Set<String> aliases = new LinkedHashSet<>();
        if (!type.isRecord()) {
            return aliases; // courier-avro gives enums no aliases
        }
        for (AvroAlias a : type.getAnnotationsByType(AvroAlias.class)) {
            String space = AvroAlias.NULL.equals(a.space()) ? type.getPackageName() : a.space();
            aliases.add(a.alias().contains(".") || space.isEmpty() ? a.alias() : space + "." + a.alias());
        }
        return aliases;
    }

    /** An enum's constants and their Protobuf numbers: {@code @Field}, else ordinals. */
    static Map<String, Integer> enumNumbers(Class<?> type) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        for (Object c : type.getEnumConstants()) {
            Enum<?> e = (Enum<?>) c;
            Field f;
            try {
                f = type.getField(e.name()).getAnnotation(Field.class);
            } catch (NoSuchFieldException x) {
                f = null;
            }
            numbers.put(e.name(), f != null ? f.value() : e.ordinal());
        }
        return numbers;
    }
}
