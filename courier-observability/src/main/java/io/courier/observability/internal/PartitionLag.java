package io.courier.observability.internal;

import io.courier.messaging.Messaging;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lag of one group on each partition of one channel, as the broker keeps it for the whole
 * group ({@link Messaging#partitionLag}): a gauge per partition, tagged with its number, read
 * from the broker on {@link #refresh()}. The partitions shown are bounded by {@link #MAX_PARTITIONS}.
 * Thread-safe.
 */
public final class PartitionLag {
    /** At most this many partitions of one channel are shown, the lowest numbers. */
    public static final int MAX_PARTITIONS = 1024;

    private static final Logger log = LoggerFactory.getLogger(PartitionLag.class);

    private final Messaging messaging;
    private final String channel;
    private final String group;
    private final MultiGauge gauge;
    private volatile boolean failing;

    PartitionLag(MeterRegistry registry, Messaging messaging, String channel, String group) {
        this.messaging = messaging;
        this.channel = channel;
        this.group = group;
        this.gauge = MultiGauge.builder("messaging.consumer.partition.lag")
                .description("Messages of the partition the group has not handled yet, as the broker keeps it")
                .tag("messaging.destination.name", channel).tag("messaging.consumer.group.name", group)
                .register(registry);
    }

    /**
     * Reads the lag of every partition from the broker and shows it; when the broker does not
     * answer, the gauges are removed until it does again (a scrape then shows no stale figures).
     */
    public synchronized void refresh() {
        Map<Integer, Long> lag;
        try {
            lag = messaging.partitionLag(channel, group);
            if (failing) {
                log.info("reading the lag of {} on {} works again", group, channel);
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("reading the lag of {} on {} failed: {}", group, channel, e.toString());
                failing = true;
            }
            lag = Map.of();
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>(Math.min(lag.size(), MAX_PARTITIONS));
        for (Map.Entry<Integer, Long> e : lag.entrySet()) {
            if (e.getKey() < MAX_PARTITIONS) {
                rows.add(MultiGauge.Row.of(Tags.of("messaging.destination.partition.id", e.getKey().toString()),
                        e.getValue()));
            }
        }
        gauge.register(rows, true);
    }
}
