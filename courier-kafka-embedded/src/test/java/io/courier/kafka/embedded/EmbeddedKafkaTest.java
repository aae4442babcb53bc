package io.courier.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The embedded broker serves plain Kafka clients, keeps its data across a restart, and cleans up. */
class EmbeddedKafkaTest {
    @Test
    void servesClientsAndKeepsItsDataAcrossARestartOnTheSamePort() throws Exception {
        Path dir;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            dir = kafka.dataDir();
            int port = kafka.port();
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            produce(kafka.bootstrapServers(), "before");

            kafka.stop();
            assertThat(kafka.running()).isFalse();
            kafka.start();

            assertThat(kafka.port()).as("same port after the restart").isEqualTo(port);
            produce(kafka.bootstrapServers(), "after");
            assertThat(consumeAll(kafka.bootstrapServers(), 2)).containsExactly("before", "after");
            assertThatThrownBy(kafka::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is running (expected: stop before start)");
        }
        assertThat(Files.exists(dir)).as("the temporary data directory is deleted on close").isFalse();
    }

    @Test
    void rejectsAnImpossiblePort() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().port(70000))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port: 70000 (expected: 0..65535)");
    }

    @Test
    void refusesClientCertificatesWithoutTls() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().requireClientCertificates(Path.of("ca.crt")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("without tls");
        try (EmbeddedKafka plain = EmbeddedKafka.builder().build()) {
            assertThat(plain.tls()).isFalse();
        }
    }

    private static void produce(String servers, String value) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
                new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>("greetings", "k", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeAll(String servers, int n) {
        List<String> got = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ConsumerConfig.GROUP_ID_CONFIG, "reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("greetings"));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.size() < n && System.nanoTime() < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    got.add(r.value());
                }
            }
        }
        return got;
    }
}
