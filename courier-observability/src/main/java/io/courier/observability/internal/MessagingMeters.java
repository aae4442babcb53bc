package io.courier.observability.internal;

import io.courier.messaging.Messaging;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Meters read from a {@link Messaging} when scraped: parked keys, dead letters, skipped and dropped messages. */
public final class MessagingMeters {
    private static final String TAG = "courier.messaging";

    private MessagingMeters() {
    }

    public static void bind(MeterRegistry registry, Messaging messaging) {
        String name = messaging.name();
        Gauge.builder("messaging.parked_keys", messaging, Messaging::parkedKeys)
                .description("Partition keys waiting for a failed message's next attempt").tag(TAG, name).register(registry);
        FunctionCounter.builder("messaging.dead_letters", messaging, m -> m.deadLettered(true))
                .description("Messages sent to a dead-letter channel").tag(TAG, name).tag("reason", "poison")
                .register(registry);
        FunctionCounter.builder("messaging.dead_letters", messaging, m -> m.deadLettered(false))
                .description("Messages sent to a dead-letter channel").tag(TAG, name).tag("reason", "retries_exhausted")
                .register(registry);
        FunctionCounter.builder("messaging.duplicates_skipped", messaging, Messaging::duplicatesSkipped)
                .description("Messages skipped because their group had already handled them").tag(TAG, name)
                .register(registry);
        FunctionCounter.builder("messaging.expired_dropped", messaging, Messaging::expiredDropped)
                .description("Messages dropped because their deadline had passed").tag(TAG, name).register(registry);
        FunctionCounter.builder("messaging.replies_dropped", messaging, Messaging::droppedReplies)
                .description("Replies dropped: received late, twice or for no request, or not sent because the"
                        + " reply-to named no reply channel that exists").tag(TAG, name).register(registry);
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
}
