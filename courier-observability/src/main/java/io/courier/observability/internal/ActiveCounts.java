package io.courier.observability.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-flight counters of a registry, one per gauge: interceptors that meter the same method
 * into the same registry (two subscriber groups of one channel, two clients of one service)
 * share its counter, so the gauge counts all their calls and is registered once. A
 * {@link LongAdder}, so that threads calling the same method do not contend on one counter
 * twice per call; the gauge sums it when scraped.
 */
final class ActiveCounts {
    private static final Map<MeterRegistry, Map<String, LongAdder>> COUNTS = new WeakHashMap<>();

    private ActiveCounts() {
    }

    static synchronized LongAdder of(MeterRegistry registry, String name, Tags tags) {
        Map<String, LongAdder> counts = COUNTS.computeIfAbsent(registry, r -> new HashMap<>());
        String key = name + tags;
        LongAdder count = counts.get(key);
        if (count == null) {
            count = new LongAdder();
            counts.put(key, count);
            Gauge.builder(name, count, LongAdder::sum).description("Calls in flight").tags(tags).register(registry);
        }
        return count;
    }
}
