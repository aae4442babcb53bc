package io.courier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Headers of a call: an immutable multimap with case-insensitive (lower-cased) ASCII names.
 * Carried as HTTP headers over REST, as gRPC metadata, and as message headers over a broker.
 *
 * <pre>{@code
 * Metadata m = Metadata.of("x-tenant", "acme").with("x-request-id", id);
 * m.get("X-Tenant"); // Optional[acme]
 * }</pre>
 *
 * <p>A call carries a handful of headers, read and extended on every call and message: they are
 * kept as one flat array of name/value pairs in the order added, so that adding one copies a
 * small array (no hash table per copy) and reading one scans a few names.
 */
public final class Metadata {
    private static final String[] NONE = new String[0];
    private static final Metadata EMPTY = new Metadata(NONE);

    /** Name, value, name, value, ...: names lower-cased, in the order added. */
    private final String[] pairs;
    /** {@link #asMap()}, made on first use. */
    private Map<String, List<String>> map;

    private Metadata(String[] pairs) {
        this.pairs = pairs;
    }

    /** No headers. */
    public static Metadata empty() {
        return EMPTY;
    }

    /** One header. */
    public static Metadata of(String name, String value) {
        return EMPTY.with(name, value);
    }

    /** Headers from a map of single values. */
    public static Metadata of(Map<String, String> values) {
        Builder b = new Builder();
        values.forEach(b::add);
        return b.build();
    }

    /** A builder, for transports that read many headers at once without a copy per header. */
    public static Builder builder() {
        return new Builder();
    }

    /** The first value of {@code name}, if any. */
    public Optional<String> get(String name) {
        String key = normalize(name);
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(key)) {
                return Optional.of(pairs[i + 1]);
            }
        }
        return Optional.empty();
    }

    /** Every value of {@code name}, in the order added; empty if none. */
    public List<String> getAll(String name) {
        String key = normalize(name);
        List<String> values = null;
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(key)) {
                if (values == null) {
                    values = new ArrayList<>(1);
                }
                values.add(pairs[i + 1]);
            }
        }
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /** The header names, lower-cased. */
    public Set<String> names() {
        return asMap().keySet();
    }

    /** Whether there are no headers. */
    public boolean isEmpty() {
        return pairs.length == 0;
    }

    /**
     * Calls {@code action} with each name and value, in the order added (a name with several
     * values once per value). The cheapest way to copy headers onto a transport.
     */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < pairs.length; i += 2) {
            action.accept(pairs[i], pairs[i + 1]);
        }
    }

    /** A copy with {@code value} added to the values of {@code name}. */
    public Metadata with(String name, String value) {
        String key = normalize(name);
        Objects.requireNonNull(value, "value");
        String[] copy = Arrays.copyOf(pairs, pairs.length + 2);
        copy[pairs.length] = key;
        copy[pairs.length + 1] = value;
        return new Metadata(copy);
    }

    /** A copy where {@code name} has only {@code value}. */
    public Metadata withOnly(String name, String value) {
        String key = normalize(name);
        Objects.requireNonNull(value, "value");
        // One copy, not two: tracing sets traceparent this way on every call.
        String[] copy = copyWithout(key, 2);
        copy[copy.length - 2] = key;
        copy[copy.length - 1] = value;
        return new Metadata(copy);
    }

    /** A copy without {@code name}. */
    public Metadata without(String name) {
        String key = normalize(name);
        String[] copy = copyWithout(key, 0);
        return copy.length == pairs.length ? this : copy.length == 0 ? EMPTY : new Metadata(copy);
    }

    /** The pairs not named {@code key}, in order, with {@code spare} empty slots at the end. */
    private String[] copyWithout(String key, int spare) {
        int kept = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            if (!pairs[i].equals(key)) {
                kept += 2;
            }
        }
        if (kept == pairs.length) {
            return spare == 0 ? pairs : Arrays.copyOf(pairs, pairs.length + spare);
        }
        String[] copy = new String[kept + spare];
        int j = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            if (!pairs[i].equals(key)) {
                copy[j++] = pairs[i];
                copy[j++] = pairs[i + 1];
            }
        }
        return copy;
    }

    /** A copy with every header of {@code other} added. */
    public Metadata withAll(Metadata other) {
        if (other.pairs.length == 0) {
            return this;
        }
        if (pairs.length == 0) {
            return other;
        }
        String[] copy = Arrays.copyOf(pairs, pairs.length + other.pairs.length);
        System.arraycopy(other.pairs, 0, copy, pairs.length, other.pairs.length);
        return new Metadata(copy);
    }

    /** The headers as an unmodifiable map, names in the order first added. */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> m = map;
        if (m == null) {
            m = pairs.length == 0 ? Map.of() : group(pairs, pairs.length);
            map = m; // racing threads build equal maps; any one of them may stay
        }
        return m;
    }

    private static Map<String, List<String>> group(String[] pairs, int length) {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (int i = 0; i < length; i += 2) {
            grouped.computeIfAbsent(pairs[i], k -> new ArrayList<>(1)).add(pairs[i + 1]);
        }
        grouped.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(grouped);
    }

    private static String normalize(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: \"\" (expected: a non-empty header name)");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** Collects headers, then makes one {@link Metadata}. Not thread-safe. */
    public static final class Builder {
        private String[] pairs = new String[16];
        private int size;

        private Builder() {
        }

        /** Adds {@code value} to the values of {@code name}. */
        public Builder add(String name, String value) {
            String key = normalize(name);
            Objects.requireNonNull(value, "value");
            if (size == pairs.length) {
                pairs = Arrays.copyOf(pairs, size * 2);
            }
            pairs[size++] = key;
            pairs[size++] = value;
            return this;
        }

        /** The headers added so far. */
        public Metadata build() {
            return size == 0 ? EMPTY : new Metadata(Arrays.copyOf(pairs, size));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metadata other && asMap().equals(other.asMap());
    }

    @Override
    public int hashCode() {
        return asMap().hashCode();
    }

    @Override
    public String toString() {
        return "Metadata" + asMap();
    }
}
