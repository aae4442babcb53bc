package io.courier;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Headers of a call: an immutable multimap with case-insensitive (lower-cased) ASCII names.
 * Carried as HTTP headers over REST, as gRPC metadata, and as message headers over a broker.
 *
 * <pre>{@code
 * Metadata m = Metadata.of("x-tenant", "acme").with("x-request-id", id);
 * m.get("X-Tenant"); // Optional[acme]
 * }</pre>
 */
public final class Metadata {
    private static final Metadata EMPTY = new Metadata(Map.of());

    private final Map<String, List<String>> entries;

    private Metadata(Map<String, List<String>> entries) {
        this.entries = entries;
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
        Metadata m = EMPTY;
        for (Map.Entry<String, String> e : values.entrySet()) {
            m = m.with(e.getKey(), e.getValue());
        }
        return m;
    }

    /** A builder, for transports that read many headers at once without a copy per header. */
    public static Builder builder() {
        return new Builder();
    }

    /** The first value of {@code name}, if any. */
    public Optional<String> get(String name) {
        List<String> values = entries.get(normalize(name));
        return values == null ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value of {@code name}, in the order added; empty if none. */
    public List<String> getAll(String name) {
        return entries.getOrDefault(normalize(name), List.of());
    }

    /** The header names, lower-cased. */
    public Set<String> names() {
        return entries.keySet();
    }

    /** Whether there are no headers. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** A copy with {@code value} added to the values of {@code name}. */
    public Metadata with(String name, String value) {
        String key = normalize(name);
        Objects.requireNonNull(value, "value");
        Map<String, List<String>> copy = new LinkedHashMap<>(entries);
        List<String> values = new ArrayList<>(copy.getOrDefault(key, List.of()));
        values.add(value);
        copy.put(key, List.copyOf(values));
        return new Metadata(Collections.unmodifiableMap(copy));
    }

    /** A copy where {@code name} has only {@code value}. */
    public Metadata withOnly(String name, String value) {
        String key = normalize(name);
        Objects.requireNonNull(value, "value");
        // One copy, not two: tracing sets traceparent this way on every call.
        Map<String, List<String>> copy = new LinkedHashMap<>(entries);
        copy.remove(key);
        copy.put(key, List.of(value));
        return new Metadata(Collections.unmodifiableMap(copy));
    }

    /** A copy without {@code name}. */
    public Metadata without(String name) {
        String key = normalize(name);
        if (!entries.containsKey(key)) {
            return this;
        }
        Map<String, List<String>> copy = new LinkedHashMap<>(entries);
        copy.remove(key);
        return new Metadata(Collections.unmodifiableMap(copy));
    }

    /** A copy with every header of {@code other} added. */
    public Metadata withAll(Metadata other) {
        Metadata m = this;
        for (Map.Entry<String, List<String>> e : other.entries.entrySet()) {
            for (String v : e.getValue()) {
                m = m.with(e.getKey(), v);
            }
        }
        return m;
    }

    /** The headers as an unmodifiable map. */
    public Map<String, List<String>> asMap() {
        return entries;
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
        private final Map<String, List<String>> entries = new LinkedHashMap<>();

        private Builder() {
        }

        /** Adds {@code value} to the values of {@code name}. */
        public Builder add(String name, String value) {
            Objects.requireNonNull(value, "value");
            entries.computeIfAbsent(normalize(name), k -> new ArrayList<>(1)).add(value);
            return this;
        }

        /** The headers added so far. */
        public Metadata build() {
            if (entries.isEmpty()) {
                return EMPTY;
            }
            Map<String, List<String>> copy = new LinkedHashMap<>();
            entries.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return new Metadata(Collections.unmodifiableMap(copy));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metadata other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "Metadata" + entries;
    }
}
