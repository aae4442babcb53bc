package io.courier.protobuf;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Random values of any type the mapping supports, from a seeded {@link Random}, restricted to
 * values that survive a round trip exactly (no null strings or elements, which read back as
 * "" or are refused), and often at the edges (0, empty, extremes) where encodings differ.
 */
final class RandomValues {
    private final Random random;

    RandomValues(long seed) {
        this.random = new Random(seed);
    }

    @SuppressWarnings("unchecked")
    <T> T of(Class<T> type) {
        return (T) value(type, 0);
    }

    Object value(Type type, int depth) {
        Class<?> c = Oracle.raw(type);
        boolean edge = random.nextInt(4) == 0;
        if (c == int.class || c == Integer.class) {
            return edge ? pick(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE) : random.nextInt();
        } else if (c == long.class || c == Long.class) {
            return edge ? pick(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE) : random.nextLong() >> random.nextInt(64);
        } else if (c == boolean.class || c == Boolean.class) {
            return random.nextBoolean();
        } else if (c == double.class || c == Double.class) {
            return edge ? pick(0.0, -0.0, Double.MAX_VALUE, Double.MIN_VALUE, Double.NEGATIVE_INFINITY) : random.nextGaussian() * 1e6;
        } else if (c == float.class || c == Float.class) {
            return edge ? pick(0.0f, -0.0f, Float.MAX_VALUE, Float.POSITIVE_INFINITY) : (float) random.nextGaussian();
        } else if (c == short.class || c == Short.class) {
            return (short) random.nextInt();
        } else if (c == byte.class || c == Byte.class) {
            return (byte) random.nextInt();
        } else if (c == char.class || c == Character.class) {
            return (char) ('a' + random.nextInt(26));
        } else if (c == String.class) {
            return string();
        } else if (c == byte[].class) {
            byte[] b = new byte[edge ? 0 : random.nextInt(20)];
            random.nextBytes(b);
            return b;
        } else if (c == Instant.class) {
            return Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L), edge ? 0 : random.nextInt(1_000_000_000));
        } else if (c == Duration.class) {
            return Duration.ofSeconds(random.nextLong(-315_576_000_000L, 315_576_000_000L), random.nextInt(1_000_000_000));
        } else if (c == LocalDate.class) {
            return LocalDate.ofEpochDay(random.nextInt(-700_000, 2_900_000));
        } else if (c == BigDecimal.class) {
            return BigDecimal.valueOf(random.nextLong(), random.nextInt(-5, 20));
        } else if (c == UUID.class) {
            return new UUID(random.nextLong(), random.nextLong());
        } else if (c.isEnum()) {
            Object[] constants = c.getEnumConstants();
            return constants[random.nextInt(constants.length)];
        } else if (c == Optional.class) {
            return random.nextBoolean() ? Optional.empty() : Optional.of(value(argument(type, 0), depth));
        } else if (c == List.class || c == Set.class) {
            int n = depth > 2 ? 0 : random.nextInt(edge ? 1 : 6);
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                list.add(value(argument(type, 0), depth + 1));
            }
            return c == Set.class ? new LinkedHashSet<>(list) : list;
        } else if (c == Map.class) {
            int n = depth > 2 ? 0 : random.nextInt(5);
            Map<Object, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                map.put(value(argument(type, 0), depth + 1), value(argument(type, 1), depth + 1));
            }
            return map;
        } else if (c.isRecord()) {
            return record(c, depth);
        }
        throw new AssertionError("no generator for " + type);
    }

    private Object record(Class<?> type, int depth) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            Type t = components[i].getGenericType();
            Class<?> raw = Oracle.raw(t);
            boolean nullable = raw.isRecord() || raw == Instant.class || raw == Duration.class
                    || raw == LocalDate.class || raw == BigDecimal.class || raw == UUID.class || raw == Integer.class
                    || raw == Long.class || raw == Boolean.class || raw == Double.class || raw == Float.class
                    || raw == Short.class;
            // A record inside itself only a few levels deep, so that trees end.
            args[i] = nullable && (random.nextInt(3) == 0 || raw.isRecord() && depth > 2) ? null : value(t, depth + 1);
        }
        try {
            var ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private String string() {
        int n = random.nextInt(4) == 0 ? 0 : random.nextInt(12);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(10);
            if (kind < 7) {
                b.append((char) (' ' + random.nextInt(95)));
            } else if (kind < 9) {
                b.append((char) (0xA0 + random.nextInt(0x2000)));
            } else {
                b.appendCodePoint(0x1F600 + random.nextInt(50)); // outside the BMP: a surrogate pair
            }
        }
        return b.toString();
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    private static Type argument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }
}
