package io.courier.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether a {@code Courier} is ready to take calls: the conditions its parts require, each
 * answering why it does not hold, or empty when it does. One per {@code Courier}, shared with
 * its transports through {@link SharedResources} ({@link #of(TransportContext)}): the
 * {@code Courier} requires that it is not draining and, with discovery, that its services are
 * registered; courier-observability adds the application's health checks; the gRPC health
 * service and {@code /health/ready} read {@link #problems()}, so both answer the same.
 *
 * <p>Conditions are read on each probe, so they must be quick: read a state the component keeps,
 * do not call out. Thread-safe.
 */
public final class Readiness {
    private final Map<String, Supplier<Optional<String>>> conditions = new LinkedHashMap<>();

    /** The readiness of the {@code Courier} of {@code context}. */
    public static Readiness of(TransportContext context) {
        return context.shared().get(Readiness.class, Readiness::new, r -> { });
    }

    /**
     * Requires {@code condition}, which answers why it does not hold (a detail, possibly empty)
     * or empty when it holds. Conditions are reported in the order they were first required; a
     * second condition of the same name replaces the first.
     */
    public synchronized void require(String name, Supplier<Optional<String>> condition) {
        Objects.requireNonNull(condition, "condition");
        if (Objects.requireNonNull(name, "name").isBlank()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: a name)");
        }
        conditions.put(name, condition);
    }

    /**
     * What does not hold now, in order: each condition's name, followed by its detail in
     * parentheses when it has one; empty when ready. A condition that throws or answers null
     * does not hold, its exception named.
     */
    public List<String> problems() {
        List<Map.Entry<String, Supplier<Optional<String>>>> all;
        synchronized (this) {
            all = List.copyOf(conditions.entrySet());
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Supplier<Optional<String>>> c : all) {
            Optional<String> problem;
            try {
                problem = c.getValue().get();
                if (problem == null) {
                    problem = Optional.of("the check answered null");
                }
            } catch (RuntimeException e) {
                problem = Optional.of(e.toString());
            }
            problem.ifPresent(p -> problems.add(p.isEmpty() ? c.getKey() : c.getKey() + " (" + p + ")"));
        }
        return problems;
    }

    /** Whether every condition holds now. */
    public boolean ready() {
        return problems().isEmpty();
    }
}
