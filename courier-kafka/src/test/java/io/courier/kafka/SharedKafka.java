package io.courier.kafka;

import io.courier.kafka.embedded.EmbeddedKafka;
import java.time.Duration;

/**
 * One embedded Kafka broker shared by the test classes of this module that do not stop it,
 * started on first use and closed when the test JVM ends; and the configuration the tests use:
 * short timeouts, so a failing test fails fast.
 */
final class SharedKafka {
    private static EmbeddedKafka kafka;

    private SharedKafka() {
    }

    /** The shared broker's address, starting it on first use. */
    static synchronized String bootstrapServers() {
        if (kafka == null) {
            kafka = EmbeddedKafka.builder().build().start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-close"));
        }
        return kafka.bootstrapServers();
    }

    /** A test configuration for the broker at {@code servers}. */
    static KafkaConfig.Builder config(String servers) {
        return KafkaConfig.builder().bootstrapServers(servers).clientId("courier-test")
                .shutdownGrace(Duration.ofSeconds(1)).sessionTimeout(Duration.ofSeconds(6))
                .readyTimeout(Duration.ofSeconds(20));
    }

    /** A test configuration for the shared broker. */
    static KafkaConfig.Builder config() {
        return config(bootstrapServers());
    }
}
