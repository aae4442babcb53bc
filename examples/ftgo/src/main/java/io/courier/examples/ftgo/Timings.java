package io.courier.examples.ftgo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one process measured of each interaction style: the duration of every call or message
 * it timed, and the failures it handled (retried or waited out). Thread-safe.
 */
public final class Timings {
    private final Map<String, List<Long>> micros = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

    /** Records one call of {@code style} that took {@code nanos}. */
    public void record(String style, long nanos) {
        micros.computeIfAbsent(style, s -> new CopyOnWriteArrayList<>()).add(nanos / 1_000);
    }

    /** Records a failure of {@code style} that was handled (retried elsewhere, waited out). */
    public void failureHandled(String style) {
        failures.computeIfAbsent(style, s -> new AtomicLong()).incrementAndGet();
    }

    /** Every style measured so far, with its durations in microseconds and its failures handled. */
    public List<Timing> snapshot() {
        List<Timing> all = new ArrayList<>();
        micros.forEach((style, list) -> all.add(new Timing(style, List.copyOf(list), failures(style))));
        failures.forEach((style, n) -> {
            if (!micros.containsKey(style)) {
                all.add(new Timing(style, List.of(), n.get()));
            }
        });
        return all;
    }

    private long failures(String style) {
        AtomicLong n = failures.get(style);
        return n == null ? 0 : n.get();
    }

    /** One style's measurements. */
    public record Timing(String style, List<Long> micros, long failures) {
    }
}
