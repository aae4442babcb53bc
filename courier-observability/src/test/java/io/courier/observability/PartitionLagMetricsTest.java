package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.UnavailableException;
import io.courier.json.JsonCodec;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.Subscription;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code bindPartitionLag}: a gauge per partition of the group's lag as the broker reports it,
 * read on each refresh (the scrape's), and none while the broker does not answer. The brokers'
 * own figures are tested with them (courier-kafka's and courier-rabbitmq's {@code PartitionLagTest}).
 */
class PartitionLagMetricsTest {
    @Test
    void oneGaugePerPartitionReadOnEachRefresh() {
        AtomicReference<Map<Integer, Long>> lag = new AtomicReference<>(Map.of(0, 3L, 1, 0L, 2, 5L));
        CourierMetrics metrics = CourierMetrics.builder().build();
        try (InMemoryBroker inMemory = InMemoryBroker.create();
             Messaging messaging = Messaging.builder().name("orders").codec(JsonCodec.create())
                     .broker(new Lagging(inMemory, lag)).build()) {
            metrics.bindPartitionLag(messaging, "OrderCreated", "billing");
            Scrape s = scrape(metrics);
            assertThat(s.values("messaging_consumer_partition_lag", Map.of())).hasSize(3);
            for (var e : Map.of("0", 3.0, "1", 0.0, "2", 5.0).entrySet()) {
                assertThat(s.value("messaging_consumer_partition_lag", Map.of("messaging_destination_name", "OrderCreated",
                        "messaging_consumer_group_name", "billing", "messaging_destination_partition_id", e.getKey())))
                        .isEqualTo(e.getValue());
            }

            lag.set(Map.of(0, 1L, 1, 0L, 2, 0L));
            assertThat(scrape(metrics).value("messaging_consumer_partition_lag",
                    Map.of("messaging_destination_partition_id", "0"))).isEqualTo(1.0);

            lag.set(null); // the broker does not answer
            assertThat(scrape(metrics).values("messaging_consumer_partition_lag", Map.of())).isEmpty();
        }
    }

    private static Scrape scrape(CourierMetrics metrics) {
        metrics.refresh();
        return Scrape.parse(((PrometheusMeterRegistry) metrics.registry()).scrape());
    }

    /** The in-memory broker, reporting the lag of {@code lag}, or failing while it is null. */
    private record Lagging(InMemoryBroker inner, AtomicReference<Map<Integer, Long>> lag) implements MessageBroker {
        @Override
        public CompletableFuture<Void> send(Message message) {
            return inner.send(message);
        }

        @Override
        public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
            return inner.subscribe(channel, group, handler);
        }

        @Override
        public Map<Integer, Long> partitionLag(String channel, String group) {
            Map<Integer, Long> now = lag.get();
            if (now == null) {
                throw new UnavailableException("broker away");
            }
            return now;
        }

        @Override
        public void close() {
        }
    }
}
