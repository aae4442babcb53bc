package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.messaging.Message;
import io.courier.messaging.Subscription;
import io.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code KafkaBroker.notReady()}, what readiness probes read: ready once its consumer holds its
 * share of the group, not ready while Kafka is stopped (no connection open), ready again once it
 * is back; a closed subscription or broker says so. A broker that only sends, and has not sent
 * yet, is not ready while Kafka is stopped either, and ready again once it is back.
 */
class ReadinessTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void notReadyWhileKafkaIsDownThenReadyAgain() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(Files.createDirectories(dir.resolve("kafka"))).build().start();
             KafkaBroker broker = KafkaBroker.create(SharedKafka.config(kafka.bootstrapServers()).partitions(2).build())) {
            Await.until(PATIENCE, () -> "no consumer yet, Kafka reachable: " + broker.notReady(),
                    () -> broker.notReady().isEmpty());
            Subscription s = broker.subscribe("ready", "g", d -> d.ack());
            broker.send(Message.builder().channel("ready").type("text")
                    .payload("m".getBytes(StandardCharsets.UTF_8)).build()).join();
            Await.until(PATIENCE, () -> "ready: " + broker.notReady(), () -> broker.notReady().isEmpty());

            kafka.stop();
            Await.until(PATIENCE, () -> "the consumer not ready while Kafka is down: " + broker.notReady(),
                    () -> broker.notReady().orElse("").startsWith("ready/g: "));

            kafka.start();
            Await.until(PATIENCE, () -> "ready once Kafka is back: " + broker.notReady(), () -> broker.notReady().isEmpty());

            s.close();
            assertThat(broker.notReady()).as("the closed subscription left").isEmpty();
            broker.close();
            assertThat(broker.notReady()).isEqualTo(Optional.of("closed"));
        }
    }

    @Test
    void aProducerThatHasNotSentIsNotReadyWhileKafkaIsDown() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(Files.createDirectories(dir.resolve("kafka"))).build().start();
             KafkaBroker broker = KafkaBroker.create(SharedKafka.config(kafka.bootstrapServers()).build())) {
            Await.until(PATIENCE, () -> "ready, Kafka reachable: " + broker.notReady(), () -> broker.notReady().isEmpty());

            kafka.stop();
            Await.until(PATIENCE, () -> "not ready while Kafka is down, nothing sent: " + broker.notReady(),
                    () -> broker.notReady().orElse("").startsWith("kafka: "));

            kafka.start();
            Await.until(PATIENCE, () -> "ready once Kafka is back: " + broker.notReady(), () -> broker.notReady().isEmpty());
            broker.send(Message.builder().channel("ready").type("text")
                    .payload("m".getBytes(StandardCharsets.UTF_8)).build()).join();
            broker.close();
            assertThat(broker.notReady()).isEqualTo(Optional.of("closed"));
        }
    }
}
