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
 * is back; a closed subscription or broker says so.
 */
class ReadinessTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void notReadyWhileKafkaIsDownThenReadyAgain() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(Files.createDirectories(dir.resolve("kafka"))).build().start();
             KafkaBroker broker = KafkaBroker.create(SharedKafka.config(kafka.bootstrapServers()).partitions(2).build())) {
            assertThat(broker.notReady()).as("no consumer yet: nothing to wait for").isEmpty();
            Subscription s = broker.subscribe("ready", "g", d -> d.ack());
            broker.send(Message.builder().channel("ready").type("text")
                    .payload("m".getBytes(StandardCharsets.UTF_8)).build()).join();
            Await.until(PATIENCE, () -> "ready: " + broker.notReady(), () -> broker.notReady().isEmpty());

            kafka.stop();
            Await.until(PATIENCE, () -> "not ready while Kafka is down: " + broker.notReady(),
                    () -> broker.notReady().isPresent());
            assertThat(broker.notReady().orElseThrow()).startsWith("ready/g: ");

            kafka.start();
            Await.until(PATIENCE, () -> "ready once Kafka is back: " + broker.notReady(), () -> broker.notReady().isEmpty());

            s.close();
            assertThat(broker.notReady()).as("the closed subscription left").isEmpty();
            broker.close();
            assertThat(broker.notReady()).isEqualTo(Optional.of("closed"));
        }
    }
}
