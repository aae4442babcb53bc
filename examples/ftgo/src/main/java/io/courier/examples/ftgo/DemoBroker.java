package io.courier.examples.ftgo;

import io.courier.kafka.KafkaBroker;
import io.courier.kafka.KafkaConfig;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.messaging.spi.MessageBroker;
import io.courier.rabbitmq.RabbitBroker;
import io.courier.rabbitmq.RabbitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The broker the demo runs on, chosen by {@code --broker}: {@code kafka} (the default: a Kafka
 * broker embedded in the demo's JVM, on a data directory deleted at the end),
 * {@code kafka=HOST:PORT} (a running Kafka), {@code rabbitmq=HOST:PORT} (a running RabbitMQ) or
 * {@code memory} (the in-memory broker). Closing it closes what it started.
 */
final class DemoBroker implements AutoCloseable {
    private final MessageBroker broker;
    private final String description;
    private final EmbeddedKafka embedded;
    private final Path dataDir;
    private String childSpec;

    private DemoBroker(MessageBroker broker, String description, EmbeddedKafka embedded, Path dataDir) {
        this.childSpec = embedded != null ? "kafka=" + embedded.bootstrapServers() : null;
        this.broker = broker;
        this.description = description;
        this.embedded = embedded;
        this.dataDir = dataDir;
    }

    /**
     * Opens the broker {@code spec} names.
     *
     * @throws IllegalArgumentException when {@code spec} names no broker
     */
    static DemoBroker open(String spec) throws java.io.IOException {
        return open(spec, 0);
    }

    /** As {@link #open(String)}, an embedded Kafka listening on {@code kafkaPort} (0: a free port). */
    static DemoBroker open(String spec, int kafkaPort) throws java.io.IOException {
        DemoBroker b = openBroker(spec, kafkaPort);
        if (b.childSpec == null) {
            b.childSpec = spec;
        }
        return b;
    }

    private static DemoBroker openBroker(String spec, int kafkaPort) throws java.io.IOException {
        if (spec.equals("memory")) {
            return new DemoBroker(InMemoryBroker.create(), "the in-memory broker", null, null);
        }
        if (spec.equals("kafka")) {
            Path dir = Files.createTempDirectory("courier-demo-kafka");
            EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).port(kafkaPort).build().start();
            try {
                KafkaBroker broker = KafkaBroker.create(KafkaConfig.builder().bootstrapServers(kafka.bootstrapServers())
                        .partitions(4).build());
                return new DemoBroker(broker, "Kafka embedded at " + kafka.bootstrapServers(), kafka, dir);
            } catch (RuntimeException e) {
                kafka.close();
                delete(dir);
                throw e;
            }
        }
        if (spec.startsWith("kafka=")) {
            String servers = spec.substring("kafka=".length());
            return new DemoBroker(KafkaBroker.create(KafkaConfig.builder().bootstrapServers(servers).build()),
                    "Kafka at " + servers, null, null);
        }
        if (spec.startsWith("rabbitmq=")) {
            String address = spec.substring("rabbitmq=".length());
            int colon = address.lastIndexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("--broker " + spec + " (expected: rabbitmq=HOST:PORT)");
            }
            RabbitConfig config = RabbitConfig.builder().host(address.substring(0, colon))
                    .port(port(spec, address.substring(colon + 1))).build();
            return new DemoBroker(RabbitBroker.create(config), "RabbitMQ at " + address, null, null);
        }
        throw new IllegalArgumentException("--broker " + spec
                + " (expected: kafka, kafka=HOST:PORT, rabbitmq=HOST:PORT or memory)");
    }

    /** The port of {@code spec}, which names it {@code text}; a clear error when it is not one. */
    private static int port(String spec, String text) {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--broker " + spec + ": port \"" + text
                    + "\" (expected: rabbitmq=HOST:PORT, the port a number from 1 to 65535)");
        }
        return port;
    }

    /** How another process reaches the same broker: a {@code --broker} value. */
    String childSpec() {
        return childSpec;
    }

    MessageBroker broker() {
        return broker;
    }

    /** What the demo runs on, for people: "Kafka embedded at 127.0.0.1:...". */
    String description() {
        return description;
    }

    @Override
    public void close() {
        broker.close();
        if (embedded != null) {
            embedded.close();
            delete(dataDir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
