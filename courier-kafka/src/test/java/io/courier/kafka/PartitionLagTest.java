package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.messaging.Message;
import io.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The lag of a group per partition, as Kafka keeps it for the whole group: every record of each
 * partition before the group committed anything, none once its consumer handled them all.
 */
class PartitionLagTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void theLagOfEachPartitionIsWhatTheGroupHasNotCommitted() {
        String ch = "plag-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaBroker broker = KafkaBroker.create(SharedKafka.config().partitions(2).build())) {
            assertThat(broker.partitionLag(ch, "g")).as("no topic yet").isEmpty();
            for (int i = 0; i < 6; i++) {
                broker.send(Message.builder().channel(ch).partitionKey("k" + i).type("text")
                        .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).build()).join();
            }
            Map<Integer, Long> before = broker.partitionLag(ch, "g");
            assertThat(before.keySet()).containsExactly(0, 1);
            assertThat(before.values().stream().mapToLong(Long::longValue).sum()).as("every record, per partition")
                    .isEqualTo(6);

            broker.subscribe(ch, "g", d -> d.ack());
            Await.until(PATIENCE, () -> "no lag once handled: " + broker.partitionLag(ch, "g"),
                    () -> broker.partitionLag(ch, "g").equals(Map.of(0, 0L, 1, 0L)));
        }
    }
}
