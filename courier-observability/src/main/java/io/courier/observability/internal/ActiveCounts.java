package io.courier.observability.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-flight counters of a registry, one per gauge: interceptors that meter the same method
 * into the same registry (two subscriber groups of one channel, two clients of one service)
 * share its counter, so the gauge counts all their calls and is registered once.
 */
final class ActiveCounts {
    private static final Map<MeterRegistry, Map<String, AtomicInteger>> COUNTS = new WeakHashMap<>();

    private ActiveCounts() {
    }

    static synchronized AtomicInteger of(MeterRegistry registry, String name, Tags tags) {
        Map<String, AtomicInteger> counts = COUNTS.computeIfAbsent(registry, r -> new HashMap<>());
        String key = name + tags;
        AtomicInteger count = counts.get(key);
        if (count == null) {
            count = new AtomicInteger();
            counts.put(key, count);
            Gauge.builder(name, count, AtomicInteger::get).description("Calls in flight").tags(tags).register(registry);
        }
        return count;
    }
}
