package io.courier.cli;

import static io.courier.cli.CallAgainstBrokenServersTest.assertNoControlCharacters;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.kafka.embedded.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code courier tail} on an embedded Kafka, printing records a foreign producer wrote: control
 * characters in the payload, key and headers are printed escaped, binary payloads by their size.
 */
class TailPrintsHostileMessagesTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void controlCharactersAreEscapedAndBinaryIsMeasured() throws Exception {
        String channel = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> text = new ProducerRecord<>(channel, "k\u001b[8m".getBytes(StandardCharsets.UTF_8),
                    "\u001b[2J\u001b]0;owned\u0007hello\r\u009b31m".getBytes(StandardCharsets.UTF_8));
            text.headers().add("x-note", "a\u001b[5mb\nc".getBytes(StandardCharsets.UTF_8));
            producer.send(text).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(channel, new byte[] {(byte) 0xff, (byte) 0xfe, 0x1b, (byte) 0x80}))
                    .get(30, TimeUnit.SECONDS);
        }
        Cli c = CallAgainstBrokenServersTest.runWithin("tail", "--broker", "kafka=" + kafka.bootstrapServers(), channel,
                "--from-beginning", "--count", "2");
        assertThat(c.exit).as("%s", c).isZero();
        assertThat(c.out.toString()).contains("  key: k\\x1b[8m", "  x-note: a\\x1b[5mb\\x0ac",
                "\\x1b[2J\\x1b]0;owned\\x07hello\\x0d\\x9b31m", "(4 bytes, not text)");
        assertNoControlCharacters(c);
    }
}
