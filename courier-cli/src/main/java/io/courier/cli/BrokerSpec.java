package io.courier.cli;

import io.courier.kafka.KafkaBroker;
import io.courier.kafka.KafkaConfig;
import io.courier.messaging.spi.MessageBroker;
import io.courier.rabbitmq.RabbitBroker;
import io.courier.rabbitmq.RabbitConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The broker a command talks to, from {@code --broker kafka=HOST:PORT|rabbitmq=HOST:PORT}, else
 * the {@code COURIER_BROKER} environment variable, else {@link #DEFAULT}.
 */
record BrokerSpec(Kind kind, String host, int port) {
    /** What {@code --broker} means when neither it nor {@code COURIER_BROKER} is given. */
    static final String DEFAULT = "kafka=127.0.0.1:9092";
    static final String EXPECTED = "kafka=HOST:PORT or rabbitmq=HOST:PORT, the port a number from 1 to 65535";
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    enum Kind { KAFKA, RABBITMQ }

    /**
     * The broker {@code spec} names.
     *
     * @throws IllegalArgumentException naming the expected form when it names none
     */
    static BrokerSpec parse(String spec) {
        int eq = spec.indexOf('=');
        String name = eq < 0 ? spec : spec.substring(0, eq);
        Kind kind = switch (name) {
            case "kafka" -> Kind.KAFKA;
            case "rabbitmq" -> Kind.RABBITMQ;
            default -> throw new IllegalArgumentException("--broker " + spec + ": unknown broker (expected: " + EXPECTED
                    + "; the in-memory broker lives inside one process, so a command line cannot reach it)");
        };
        String address = eq < 0 ? "" : spec.substring(eq + 1);
        int colon = address.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("--broker " + spec + ": missing HOST:PORT (expected: " + EXPECTED + ")");
        }
        String portText = address.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--broker " + spec + ": port \"" + portText + "\" (expected: " + EXPECTED + ")");
        }
        return new BrokerSpec(kind, address.substring(0, colon), port);
    }

    /** {@code option} if given, else {@code COURIER_BROKER} from {@code env}, else {@link #DEFAULT}. */
    static BrokerSpec resolve(String option, Map<String, String> env) {
        if (option != null) {
            return parse(option);
        }
        return parse(env.getOrDefault("COURIER_BROKER", DEFAULT));
    }

    String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return (kind == Kind.KAFKA ? "Kafka" : "RabbitMQ") + " at " + address();
    }

    /** A broker client for this address; it connects on first use. */
    MessageBroker open() {
        return switch (kind) {
            case KAFKA -> KafkaBroker.create(KafkaConfig.builder().bootstrapServers(address()).clientId("courier-cli")
                    .readyTimeout(PATIENCE).sendTimeout(PATIENCE).shutdownGrace(Duration.ofSeconds(1)).build());
            case RABBITMQ -> RabbitBroker.create(RabbitConfig.builder().host(host).port(port)
                    .connectionTimeout(PATIENCE).publishTimeout(PATIENCE).build());
        };
    }

    /**
     * Makes a new Kafka {@code group} start at the current end of {@code channel}'s topic, so it
     * reads only what is sent from now on (a new group otherwise reads from the start). Does
     * nothing on RabbitMQ, whose new groups get only what is sent after they subscribed.
     */
    void startAtEnd(String channel, String group) throws Exception {
        if (kind != Kind.KAFKA) {
            return;
        }
        try (Admin admin = admin()) {
            List<TopicPartition> partitions;
            try {
                partitions = admin.describeTopics(List.of(channel)).allTopicNames().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
                        .get(channel).partitions().stream().map(p -> new TopicPartition(channel, p.partition())).toList();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return; // a new topic is empty: its start is its end
                }
                throw e;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Deletes {@code group} of {@code channel} once its subscription closed: its Kafka group, or its RabbitMQ queues. */
    void deleteGroup(MessageBroker broker, String channel, String group) throws Exception {
        if (broker instanceof RabbitBroker rabbit) {
            rabbit.deleteGroup(channel, group);
            return;
        }
        try (Admin admin = admin()) {
            admin.deleteConsumerGroups(List.of(group)).all().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("deleting Kafka group " + group + " took over " + PATIENCE.toSeconds() + " s", e);
        }
    }

    private Admin admin() {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "courier-cli-admin");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PATIENCE.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PATIENCE.toMillis());
        return Admin.create(p);
    }
}
