package io.courier.contract;

import io.courier.InvalidArgumentException;
import io.courier.Limits;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** Converts path, query and header values between strings and their declared Java types. */
final class StringConverter {
    private static final Map<Class<?>, Class<?>> BOXES = Map.of(
            int.class, Integer.class, long.class, Long.class, boolean.class, Boolean.class,
            double.class, Double.class, float.class, Float.class, short.class, Short.class,
            byte.class, Byte.class, char.class, Character.class);

    // Converters belong to the contract, shared by every Courier, so they bound numbers by the
    // default limits: a decimal such as 1e10000000 is refused before anyone writes it out in full.
    private static final Limits BOUNDS = Limits.defaults();

    private enum Shape { SINGLE, OPTIONAL, LIST, SET }

    private final Shape shape;
    private final Class<?> element;
    private final boolean primitive;
    private final Function<String, Object> fromString;
    private final String expected;

    private StringConverter(Shape shape, Class<?> element, boolean primitive,
                            Function<String, Object> fromString, String expected) {
        this.shape = shape;
        this.element = element;
        this.primitive = primitive;
        this.fromString = fromString;
        this.expected = expected;
    }

    /**
     * A converter for {@code type}, or a description of why there cannot be one.
     *
     * @param multi whether {@code Optional}, {@code List} and {@code Set} are allowed
     */
    static StringConverter forType(Type type, boolean multi) {
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw && multi) {
            Shape shape = raw == Optional.class ? Shape.OPTIONAL
                    : raw == List.class ? Shape.LIST
                    : raw == Set.class ? Shape.SET : null;
            if (shape != null && p.getActualTypeArguments()[0] instanceof Class<?> element && !element.isPrimitive()) {
                StringConverter single = scalar(element);
                if (single != null) {
                    return new StringConverter(shape, element, false, single.fromString, single.expected);
                }
            }
            return null;
        }
        return type instanceof Class<?> c ? scalar(c) : null;
    }

    private static StringConverter scalar(Class<?> type) {
        boolean primitive = type.isPrimitive();
        Class<?> boxed = primitive ? BOXES.get(type) : type;
        Function<String, Object> f;
        String expected;
        if (boxed == String.class) {
            f = s -> s;
            expected = "text";
        } else if (boxed == Integer.class) {
            f = Integer::valueOf;
            expected = "an integer (32-bit)";
        } else if (boxed == Long.class) {
            f = Long::valueOf;
            expected = "an integer (64-bit)";
        } else if (boxed == Short.class) {
            f = Short::valueOf;
            expected = "an integer (16-bit)";
        } else if (boxed == Byte.class) {
            f = Byte::valueOf;
            expected = "an integer (8-bit)";
        } else if (boxed == Double.class) {
            f = Double::valueOf;
            expected = "a number";
        } else if (boxed == Float.class) {
            f = Float::valueOf;
            expected = "a number";
        } else if (boxed == Boolean.class) {
            f = StringConverter::parseBoolean;
            expected = "true or false";
        } else if (boxed == Character.class) {
            f = s -> {
                if (s.length() != 1) {
                    throw new IllegalArgumentException();
                }
                return s.charAt(0);
            };
            expected = "one character";
        } else if (boxed == UUID.class) {
            f = UUID::fromString;
            expected = "a UUID";
        } else if (boxed == BigDecimal.class) {
            f = s -> BOUNDS.parseDecimal(quoted(s), s);
            expected = "a decimal number";
        } else if (boxed == BigInteger.class) {
            f = s -> BOUNDS.parseInteger(quoted(s), s);
            expected = "an integer";
        } else if (boxed.isEnum()) {
            f = s -> enumValue(boxed, s);
            expected = "one of " + java.util.Arrays.toString(boxed.getEnumConstants());
        } else {
            Method parse = parseMethod(boxed);
            if (parse == null) {
                return null;
            }
            f = s -> {
                try {
                    return parse.invoke(null, s);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalArgumentException(e.getCause());
                }
            };
            expected = article(boxed.getSimpleName()) + " in ISO-8601 form"; // an Instant, a LocalDate
        }
        return new StringConverter(Shape.SINGLE, boxed, primitive, f, expected);
    }

    /** {@code name} with its indefinite article, by its first letter: an Instant, a Duration. */
    static String article(String name) {
        return ("AEIOU".indexOf(Character.toUpperCase(name.charAt(0))) >= 0 ? "an " : "a ") + name;
    }

    private static Method parseMethod(Class<?> type) {
        if (!type.getPackageName().equals("java.time")) {
            return null;
        }
        try {
            Method m = type.getMethod("parse", CharSequence.class);
            return Modifier.isStatic(m.getModifiers()) && m.getReturnType() == type ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String s) {
        return Enum.valueOf((Class) type, s);
    }

    private static Boolean parseBoolean(String s) {
        if (s.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (s.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException();
    }

    Object parse(ParameterDescriptor p, List<String> values) {
        switch (shape) {
            case LIST, SET -> {
                List<Object> out = new ArrayList<>(values.size());
                for (String v : values) {
                    out.add(one(p, v));
                }
                return shape == Shape.LIST ? java.util.Collections.unmodifiableList(out)
                        : java.util.Collections.unmodifiableSet(new LinkedHashSet<>(out));
            }
            case OPTIONAL -> {
                return values.isEmpty() ? Optional.empty() : Optional.of(one(p, values.get(0)));
            }
            default -> {
                if (values.isEmpty()) {
                    if (primitive || p.kind() == ParameterDescriptor.Kind.PATH) {
                        throw new InvalidArgumentException(p + ": missing (expected: " + expected + ")");
                    }
                    return null;
                }
                return one(p, values.get(0));
            }
        }
    }

    private Object one(ParameterDescriptor p, String value) {
        try {
            return fromString.apply(value);
        } catch (InvalidArgumentException e) { // past a limit: the message says which
            throw new InvalidArgumentException(p + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new InvalidArgumentException(p + ": \"" + abbreviate(value) + "\" (expected: " + expected + ")");
        }
    }

    List<String> format(Object value) {
        if (value == null) {
            return List.of();
        }
        return switch (shape) {
            case OPTIONAL -> ((Optional<?>) value).map(v -> List.of(text(v))).orElse(List.of());
            case LIST, SET -> ((java.util.Collection<?>) value).stream().map(StringConverter::text).toList();
            default -> List.of(text(value));
        };
    }

    private static String text(Object value) {
        return value instanceof Enum<?> e ? e.name() : String.valueOf(value);
    }

    Class<?> element() {
        return element;
    }

    private static String quoted(String s) {
        return "\"" + abbreviate(s) + "\"";
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
