package io.courier.observability.internal;

import io.courier.messaging.GroupCounts;
import io.courier.messaging.Messaging;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Meters read from a {@link Messaging} when scraped: parked keys, dead letters and redeliveries per group, skipped and dropped messages. */
public final class MessagingMeters {
    private static final String TAG = "courier.messaging";
    private static final String CHANNEL = "messaging.destination.name";
    private static final String GROUP = "messaging.consumer.group.name";

    private MessagingMeters() {
    }

    /**
     * Binds the meters of {@code messaging}; returns what to run before each scrape, which adds
     * the counters of groups subscribed since.
     */
    public static Runnable bind(MeterRegistry registry, Messaging messaging) {
        String name = messaging.name();
        Gauge.builder("messaging.parked_keys", messaging, Messaging::parkedKeys)
                .description("Partition keys waiting for a failed message's next attempt").tag(TAG, name).register(registry);
        GroupMeters groups = new GroupMeters(registry, messaging);
        groups.refresh();
        FunctionCounter.builder("messaging.duplicates_skipped", messaging, Messaging::duplicatesSkipped)
                .description("Messages skipped because their group had already handled them").tag(TAG, name)
                .register(registry);
        FunctionCounter.builder("messaging.expired_dropped", messaging, Messaging::expiredDropped)
                .description("Messages dropped because their deadline had passed").tag(TAG, name).register(registry);
        FunctionCounter.builder("messaging.replies_dropped", messaging, Messaging::droppedReplies)
                .description("Replies dropped: received late, twice or for no request, or not sent because the"
                        + " reply-to named no reply channel that exists").tag(TAG, name).register(registry);
        return groups::refresh;
    }

    /**
     * The gauge {@code messaging.consumer.partition.lag} of {@code group} on {@code channel}, one
     * per partition, brought up to date by {@link PartitionLag#refresh()} (before each scrape):
     * a broker call per refresh, so not read per gauge.
     */
    public static PartitionLag bindPartitionLag(MeterRegistry registry, Messaging messaging, String channel,
                                                String group) {
        return new PartitionLag(registry, messaging, channel, group);
    }

    public static void bindLag(MeterRegistry registry, Messaging messaging, String channel, String group) {
        Gauge.builder("messaging.consumer.lag", messaging, m -> {
                    var lag = m.consumerLag(channel, group);
                    return lag.isPresent() ? lag.getAsLong() : Double.NaN;
                })
                .description("Messages of the channel the group's consumers have not fetched yet, as the broker reports")
                .tag("messaging.destination.name", channel).tag("messaging.consumer.group.name", group)
                .register(registry);
    }

    /**
     * {@code messaging.dead_letters} (tagged with the reason, {@code poison} or
     * {@code retries_exhausted}) and {@code messaging.redeliveries} of each group a
     * {@link Messaging} consumes as, tagged with the channel and the group; the counters of a
     * group are added on the first refresh after it subscribed.
     */
    private static final class GroupMeters {
        private final MeterRegistry registry;
        private final Messaging messaging;
        /** The groups whose counters are bound, each as its channel and group. */
        private final Set<List<String>> bound = ConcurrentHashMap.newKeySet();

        GroupMeters(MeterRegistry registry, Messaging messaging) {
            this.registry = registry;
            this.messaging = messaging;
        }

        void refresh() {
            for (GroupCounts c : messaging.groupCounts()) {
                if (bound.add(List.of(c.channel(), c.group()))) {
                    deadLetters(c.channel(), c.group(), true);
                    deadLetters(c.channel(), c.group(), false);
                    FunctionCounter.builder("messaging.redeliveries", messaging,
                                    m -> m.redelivered(c.channel(), c.group()))
                            .description("Messages the broker delivered to the group again").tag(TAG, messaging.name())
                            .tag(CHANNEL, c.channel()).tag(GROUP, c.group()).register(registry);
                }
            }
        }

        private void deadLetters(String channel, String group, boolean poison) {
            FunctionCounter.builder("messaging.dead_letters", messaging, m -> m.deadLettered(channel, group, poison))
                    .description("Messages sent to a dead-letter channel").tag(TAG, messaging.name())
                    .tag(CHANNEL, channel).tag(GROUP, group)
                    .tag("reason", poison ? "poison" : "retries_exhausted").register(registry);
        }
    }
}
