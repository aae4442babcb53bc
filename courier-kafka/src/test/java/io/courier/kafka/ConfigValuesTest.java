package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link KafkaConfig} is a value: built, compared, copied and checked like one. No broker needed. */
class ConfigValuesTest {
    private static KafkaConfig sample() {
        return KafkaConfig.builder().bootstrapServers("kafka-1:9092").clientId("billing").partitions(16)
                .replicationFactor(3).linger(Duration.ofMillis(10)).compression("lz4")
                .producerProperty("sasl.jaas.config", "secret").consumerProperty("isolation.level", "read_committed")
                .build();
    }

    @Test
    void aBuiltConfigEqualsTheRecordOfTheSameValues() {
        KafkaConfig d = KafkaConfig.defaults();
        KafkaConfig record = new KafkaConfig("127.0.0.1:9092", "courier", 8, Optional.empty(), Duration.ofMillis(5),
                16_384, "none", true, "all", Duration.ofSeconds(30), 8 * 1024 * 1024, 500, Duration.ofMinutes(5),
                Duration.ofSeconds(10), Duration.ofMillis(500), 1000, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Map.of(), Map.of());

        assertThat(d).isEqualTo(record).hasSameHashCodeAs(record);
        assertThat(sample()).isEqualTo(sample()).isNotEqualTo(d);
        assertThat(sample().replicationFactor()).contains((short) 3);
    }

    @Test
    void toBuilderRoundTripsAndMakesVariants() {
        KafkaConfig c = sample();

        assertThat(c.toBuilder().build()).isEqualTo(c);
        KafkaConfig variant = c.toBuilder().partitions(4).build();
        assertThat(variant.partitions()).isEqualTo(4);
        assertThat(variant.producerProperties()).containsEntry("sasl.jaas.config", "secret");
        assertThat(c.partitions()).isEqualTo(16);
    }

    @Test
    void toStringNamesExtraPropertiesButNotTheirValues() {
        assertThat(sample().toString()).contains("clientId=billing", "partitions=16", "compression=lz4",
                "producerProperties=[sasl.jaas.config]").doesNotContain("secret");
    }

    @Test
    void thePropertyMapsAreCopies() {
        java.util.HashMap<String, String> props = new java.util.HashMap<>(Map.of("a", "1"));
        KafkaConfig c = KafkaConfig.defaults().toBuilder().build();
        KafkaConfig withProps = new KafkaConfig(c.bootstrapServers(), c.clientId(), c.partitions(),
                c.replicationFactor(), c.linger(), c.batchSize(), c.compression(), c.idempotence(), c.acks(),
                c.sendTimeout(), c.maxMessageBytes(), c.maxPollRecords(), c.maxPollInterval(), c.sessionTimeout(),
                c.heartbeatInterval(), c.maxUnsettledPerPartition(), c.shutdownGrace(), c.readyTimeout(), props,
                Map.of());
        props.put("b", "2");

        assertThat(withProps.producerProperties()).containsOnlyKeys("a");
        assertThatThrownBy(() -> withProps.producerProperties().put("c", "3"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theConstructorRefusesWhatTheBuilderRefuses() {
        KafkaConfig d = KafkaConfig.defaults();
        assertThatThrownBy(() -> new KafkaConfig(" ", d.clientId(), d.partitions(), d.replicationFactor(), d.linger(),
                d.batchSize(), d.compression(), d.idempotence(), d.acks(), d.sendTimeout(), d.maxMessageBytes(),
                d.maxPollRecords(), d.maxPollInterval(), d.sessionTimeout(), d.heartbeatInterval(),
                d.maxUnsettledPerPartition(), d.shutdownGrace(), d.readyTimeout(), Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bootstrapServers: \" \" (expected: a non-blank string)");
        assertThatThrownBy(() -> new KafkaConfig(d.bootstrapServers(), d.clientId(), 0, d.replicationFactor(),
                d.linger(), d.batchSize(), d.compression(), d.idempotence(), d.acks(), d.sendTimeout(),
                d.maxMessageBytes(), d.maxPollRecords(), d.maxPollInterval(), d.sessionTimeout(),
                d.heartbeatInterval(), d.maxUnsettledPerPartition(), d.shutdownGrace(), d.readyTimeout(), Map.of(),
                Map.of()))
                .hasMessage("partitions: 0 (expected: 1..10000)");
        assertThatThrownBy(() -> new KafkaConfig(d.bootstrapServers(), d.clientId(), d.partitions(),
                d.replicationFactor(), d.linger(), d.batchSize(), "brotli", d.idempotence(), d.acks(),
                d.sendTimeout(), d.maxMessageBytes(), d.maxPollRecords(), d.maxPollInterval(), d.sessionTimeout(),
                d.heartbeatInterval(), d.maxUnsettledPerPartition(), d.shutdownGrace(), d.readyTimeout(), Map.of(),
                Map.of()))
                .hasMessage("compression: \"brotli\" (expected: one of none, gzip, snappy, lz4, zstd)");
        assertThatThrownBy(() -> d.toBuilder().acks("1").build())
                .hasMessage("acks: \"1\" (expected: all while idempotence is on; turn idempotence off for acks 1 or 0)");
        assertThatThrownBy(() -> d.toBuilder().heartbeatInterval(Duration.ofSeconds(10)).build())
                .hasMessage("heartbeatInterval: PT10S (expected: < sessionTimeout PT10S)");
        assertThatThrownBy(() -> d.toBuilder().linger(Duration.ofMillis(-1)))
                .hasMessage("linger: PT-0.001S (expected: >= 0)");
    }
}
