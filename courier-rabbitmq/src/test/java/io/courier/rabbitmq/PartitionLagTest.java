package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.messaging.Message;
import io.courier.messaging.Subscription;
import io.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lag of a group per partition on the machine's RabbitMQ: the messages ready in each of its
 * partition queues while no member consumes, none once a member has handled them.
 */
class PartitionLagTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @Test
    void theLagOfEachPartitionIsWhatItsQueueHolds() {
        RabbitBroker broker = rabbit.broker(rabbit.config().partitions(2).build());
        assertThat(broker.partitionLag("plag", "g")).as("no group yet").isEmpty();
        Subscription first = broker.subscribe("plag", "g", d -> d.ack()); // declares the group's queues
        first.close();
        for (int i = 0; i < 6; i++) {
            broker.send(Message.builder().channel("plag").partitionKey("k" + i).type("text")
                    .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).build()).join();
        }
        Await.until(PATIENCE, () -> "six messages waiting: " + broker.partitionLag("plag", "g"),
                () -> broker.partitionLag("plag", "g").values().stream().mapToLong(Long::longValue).sum() == 6);
        assertThat(broker.partitionLag("plag", "g").keySet()).containsExactly(0, 1);

        broker.subscribe("plag", "g", d -> d.ack());
        Await.until(PATIENCE, () -> "none once handled: " + broker.partitionLag("plag", "g"),
                () -> broker.partitionLag("plag", "g").equals(Map.of(0, 0L, 1, 0L)));
    }
}
