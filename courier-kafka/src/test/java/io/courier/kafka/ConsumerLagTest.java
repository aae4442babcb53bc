package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.messaging.Message;
import io.courier.messaging.spi.Delivery;
import io.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The consumer lag the adapter reads from its Kafka consumers' own {@code records-lag} metric:
 * unknown before a fetch, the records not yet fetched while the group's handler holds the
 * partition paused, zero once everything is handled.
 */
class ConsumerLagTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final int SENT = 10;

    @Test
    void theLagOfAGroupIsWhatItHasNotFetchedYet() {
        String ch = "lag-" + UUID.randomUUID().toString().substring(0, 8);
        // One record per poll, one unsettled at most: a held record pauses the partition.
        KafkaConfig config = SharedKafka.config().partitions(1).maxPollRecords(1).maxUnsettledPerPartition(1).build();
        List<Delivery> held = new CopyOnWriteArrayList<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicBoolean release = new AtomicBoolean();
        try (KafkaBroker broker = KafkaBroker.create(config)) {
            for (int i = 0; i < SENT; i++) {
                broker.send(Message.builder().channel(ch).partitionKey("k").type("text")
                        .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).build()).join();
            }
            assertThat(broker.consumerLag(ch, "g")).as("no consumer yet").isEmpty();

            broker.subscribe(ch, "g", d -> {
                if (release.get()) {
                    handled.add(new String(d.message().payload(), StandardCharsets.UTF_8));
                    d.ack();
                } else {
                    held.add(d);
                }
            });
            Await.until(PATIENCE, () -> "a lag while the first record is held: " + broker.consumerLag(ch, "g"),
                    () -> broker.consumerLag(ch, "g").orElse(0) >= SENT - 2);
            assertThat(held).hasSizeLessThanOrEqualTo(2);
            assertThat(broker.consumerLag(ch, "other-group")).isEmpty();

            release.set(true);
            held.forEach(d -> {
                handled.add(new String(d.message().payload(), StandardCharsets.UTF_8));
                d.ack();
            });
            Await.until(PATIENCE, () -> "all handled and no lag: " + handled.size() + " handled, lag "
                    + broker.consumerLag(ch, "g"), () -> handled.size() == SENT && broker.consumerLag(ch, "g").equals(OptionalLong.of(0)));
        }
    }
}
