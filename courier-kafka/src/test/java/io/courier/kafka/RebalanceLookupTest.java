package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.messaging.Subscription;
import io.courier.messaging.spi.MessageBroker;
import io.courier.test.Await;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A rebalance of an ordinary group (a second member joining) asks Kafka nothing on the poll
 * thread that could make it wait: the consumers here are real, but any metadata lookup of
 * theirs that may wait for Kafka gets no answer until the test ends, as when Kafka's metadata
 * answers are slow. The rebalance must complete well within the ready timeout all the same.
 */
class RebalanceLookupTest {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(40);

    private final CountDownLatch metadataAnswers = new CountDownLatch(1);
    private final AtomicInteger waitingLookups = new AtomicInteger();

    @Test
    void aSecondMemberJoiningDoesNotWaitOnAMetadataLookup() throws Exception {
        String channel = "rebalance-no-lookup";
        KafkaConfig config = SharedKafka.config().partitions(2).readyTimeout(READY_TIMEOUT).build();
        KafkaBroker first = KafkaBroker.create(config, this::slowMetadata);
        KafkaBroker second = KafkaBroker.create(config, this::slowMetadata);
        try {
            Subscription a = subscribe(first, channel);
            assertThat(KafkaBroker.partitions(a)).containsExactly(0, 1);

            long start = System.nanoTime();
            Subscription b = subscribe(second, channel); // returns once it has its share
            Await.until(READY_TIMEOUT, () -> "the first member down to one partition: " + KafkaBroker.partitions(a),
                    () -> KafkaBroker.partitions(a).size() == 1);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(KafkaBroker.partitions(b)).hasSize(1);
            assertThat(took).as("the rebalance, with metadata lookups that get no answer").isLessThan(
                    READY_TIMEOUT.dividedBy(4));
            assertThat(waitingLookups).as("metadata lookups that may wait for Kafka, made by the consumers").hasValue(0);
        } finally {
            metadataAnswers.countDown(); // before closing, which revokes the partitions again
            second.close();
            first.close();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    SharedKafka.bootstrapServers()))) {
                admin.deleteTopics(List.of(channel));
            }
        }
    }

    private static Subscription subscribe(MessageBroker broker, String channel) {
        return broker.subscribe(channel, "g", d -> d.ack());
    }

    /**
     * A real consumer whose {@code partitionsFor} with a timeout above zero (a lookup that goes to
     * Kafka when the consumer's metadata lacks the topic) is counted and answered only when the
     * test ends or the timeout passes; every other call goes straight to the consumer.
     */
    @SuppressWarnings("unchecked")
    private Consumer<byte[], byte[]> slowMetadata(Map<String, Object> properties) {
        KafkaConsumer<byte[], byte[]> real = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        return (Consumer<byte[], byte[]>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
                new Class<?>[] {Consumer.class}, (proxy, method, args) -> {
                    if (method.getName().equals("partitionsFor") && args.length == 2
                            && args[1] instanceof Duration timeout && timeout.isPositive()) {
                        waitingLookups.incrementAndGet();
                        metadataAnswers.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
