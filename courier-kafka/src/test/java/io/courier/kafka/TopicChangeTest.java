package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.courier.UnavailableException;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.messaging.Message;
import io.courier.messaging.spi.MessageBroker;
import io.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a running subscriber and publisher do when an operator or another tool changes a topic
 * under them, on an embedded Kafka: the topic deleted while consumed, then sent to again (on a
 * broker that creates no topic by itself, and on one that does); partitions added to a topic
 * while consumed, which the group takes within the metadata refresh.
 */
class TopicChangeTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final Set<String> handled = ConcurrentHashMap.newKeySet();
    private final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()));

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    @Test
    void topicDeletedWhileConsumedIsCreatedAgainByTheNextSendAndConsumedAgain() throws Exception {
        String channel = "topo-deleted";
        // As production brokers are often set: only Courier (or an operator) creates topics.
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().property("auto.create.topics.enable", "false").build().start();
             Admin own = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             KafkaBroker broker = KafkaBroker.create(SharedKafka.config(kafka.bootstrapServers()).partitions(4)
                     .sendTimeout(Duration.ofSeconds(3)).build())) {
            broker.subscribe(channel, "g", d -> {
                handled.add(d.message().id());
                d.ack();
            });
            sendAndAwait(broker, channel, "before", 10);

            own.deleteTopics(List.of(channel)).all().get();
            Await.until(PATIENCE, "topic deleted", () -> !topicNames(own).contains(channel));
            Await.until(PATIENCE, () -> "not ready, naming the topic: " + broker.notReady(),
                    () -> broker.notReady().orElse("").contains("topic " + channel + " does not exist"));

            // The first send finds the topic missing and fails retry-safe, saying so; the next creates it again.
            sendAndAwait(broker, channel, "after", 10);
            int partitions = own.describeTopics(List.of(channel)).allTopicNames().get().get(channel).partitions().size();
            assertThat(partitions).as("partitions of the topic as created again").isEqualTo(4);
            Await.until(PATIENCE, () -> "ready again: " + broker.notReady(), () -> broker.notReady().isEmpty());
        }
    }

    @Test
    void sendToATopicDeletedUnderTheProducerFailsNamingTheTopicAndTheNextSendCreatesIt() throws Exception {
        String channel = "topo-deleted-send";
        Duration sendTimeout = Duration.ofSeconds(3);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().property("auto.create.topics.enable", "false").build().start();
             Admin own = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             KafkaBroker broker = KafkaBroker.create(SharedKafka.config(kafka.bootstrapServers()).partitions(2)
                     .sendTimeout(sendTimeout).build())) {
            broker.send(text(channel, "first")).join(); // creates the topic; the producer now has its metadata

            own.deleteTopics(List.of(channel)).all().get();
            Await.until(PATIENCE, "topic deleted", () -> !topicNames(own).contains(channel));

            // However the producer finds out (its record's batch expiring, or the topic's metadata never
            // coming), the send fails saying that the topic does not exist, within the send timeout and
            // the bounded lookup that confirms it.
            long start = System.nanoTime();
            CompletionException failed = catchThrowableOfType(CompletionException.class,
                    () -> broker.send(text(channel, "lost")).join());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(failed).as("the send to the deleted topic fails").isNotNull();
            assertThat(failed.getCause()).isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("Kafka topic " + channel + " does not exist")
                    .hasMessageContaining("send it again");
            assertThat(((UnavailableException) failed.getCause()).retrySafe()).isTrue();
            assertThat(took).as("time to fail").isLessThan(sendTimeout.plusSeconds(5 + 2));

            // The failure made the publisher forget the topic: the very next send creates it again.
            broker.send(text(channel, "again")).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(topicNames(own)).contains(channel);
        }
    }

    private static Message text(String channel, String id) {
        return Message.builder().id(id).channel(channel).type("text").partitionKey(id)
                .payload(id.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void topicDeletedOnABrokerThatCreatesTopicsItselfLosesNothingSentAfter() throws Exception {
        String channel = "topo-deleted-auto";
        try (KafkaBroker broker = KafkaBroker.create(SharedKafka.config().partitions(4).build())) {
            broker.subscribe(channel, "g", d -> {
                handled.add(d.message().id());
                d.ack();
            });
            sendAndAwait(broker, channel, "before", 10);

            admin.deleteTopics(List.of(channel)).all().get();
            Await.until(PATIENCE, "topic deleted", () -> !topicNames(admin).contains(channel));

            sendAndAwait(broker, channel, "after", 10);
        } finally {
            admin.deleteTopics(List.of(channel));
        }
    }

    @Test
    void partitionsAddedWhileConsumedAreConsumedToo() throws Exception {
        String channel = "topo-grown";
        try (KafkaBroker broker = KafkaBroker.create(SharedKafka.config().partitions(2).build())) {
            broker.subscribe(channel, "g", d -> {
                handled.add(d.message().id());
                d.ack();
            });
            sendAndAwait(broker, channel, "before", 10);

            admin.createPartitions(Map.of(channel, NewPartitions.increaseTo(4))).all().get();

            // Another service's producer, whose metadata knows the four partitions at once.
            try (KafkaBroker other = KafkaBroker.create(SharedKafka.config().partitions(2).build())) {
                sendAndAwait(other, channel, "after", 20);
            }
        } finally {
            admin.deleteTopics(List.of(channel));
        }
    }

    private static Set<String> topicNames(Admin admin) {
        try {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code count} keyed messages, each again while it fails retry-safe, and waits until all are handled. */
    private void sendAndAwait(MessageBroker broker, String channel, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            Message m = Message.builder().id(id).channel(channel).type("text").partitionKey("k" + i)
                    .payload(id.getBytes(StandardCharsets.UTF_8)).build();
            Await.until(PATIENCE, "sent " + id, () -> {
                try {
                    broker.send(m).join();
                    return true;
                } catch (CompletionException e) {
                    if (e.getCause() instanceof UnavailableException u && u.retrySafe()) {
                        return false;
                    }
                    throw e;
                }
            });
        }
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            Await.until(PATIENCE, () -> "handled " + id + " (handled so far: " + handled.size() + ")",
                    () -> handled.contains(id));
        }
    }
}
