package io.courier.kafka;

import io.courier.Ticker;
import io.courier.UnavailableException;
import io.courier.kafka.internal.Context;
import io.courier.kafka.internal.GroupConsumer;
import io.courier.kafka.internal.Publisher;
import io.courier.kafka.internal.Reachability;
import io.courier.kafka.internal.Topics;
import io.courier.messaging.Message;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Courier broker SPI on Apache Kafka. A channel is a topic, created on first use with the
 * configured partitions; the partition key is the record key, so Kafka's partitioner keeps each
 * key's messages in order in one partition; a subscriber group is a consumer group. Courier's
 * envelope travels as record headers with UTF-8 values, readable by any Kafka client.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.create(KafkaConfig.builder().bootstrapServers("kafka:9092").build());
 *      Messaging messaging = Messaging.builder().name("billing").broker(broker).build()) {
 *     messaging.subscribe(OrderCreated.class, "billing", event -> bill(event));
 * }
 * }</pre>
 *
 * <p><b>Delivery.</b> Sends go through one idempotent producer ({@code acks=all} by default)
 * and complete when Kafka acknowledged the record. Each subscription is a consumer with a poll
 * thread of its own; records are handed over one partition at a time in offset order, on
 * virtual threads, and may be settled in any order. Offsets are committed only after handling,
 * per partition, at the lowest offset not yet settled: at least once. A partition with
 * {@linkplain KafkaConfig#maxUnsettledPerPartition() too many records unsettled} is paused, not
 * left unpolled. A nack seeks the partition back to the nacked record. When partitions move
 * to another member, what was settled is committed first.
 *
 * <p><b>Replies.</b> A group whose name is its channel's (a {@code Messaging} instance's reply
 * channel) is private: a one-partition topic read with {@code assign()} from its start, with
 * no group, and deleted when the subscription closes.
 *
 * <p>Thread-safe. {@link #close()} stops every subscription (each waits up to
 * {@linkplain KafkaConfig#shutdownGrace() the shutdown grace} for its handler, then commits
 * and leaves its group), sends what the producer buffered, and ends every thread it started.
 */
public final class KafkaBroker implements MessageBroker {
    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    /** How long readiness waits for Kafka to describe its cluster, at most (and at most the ready timeout). */
    private static final Duration REACH_TIMEOUT = Duration.ofSeconds(3);
    /** How long the answer of that check is kept: readiness probes do not each ask Kafka. */
    private static final Duration REACH_MAX_AGE = Duration.ofSeconds(5);

    private final KafkaConfig config;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("courier-kafka-", 0).factory());
    private final Context ctx;
    private final List<GroupConsumer> consumers = new CopyOnWriteArrayList<>();
    private final Reachability reachability;
    private volatile boolean closed;

    private KafkaBroker(KafkaConfig config, Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers) {
        this.config = config;
        Map<String, Object> admin = new HashMap<>(config.consumerProperties());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, config.clientId() + "-admin");
        int readyMillis = (int) config.readyTimeout().toMillis();
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, readyMillis);
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(readyMillis, 15_000)); // at most the former
        Topics topics = new Topics(Admin.create(admin), config.partitions(), config.replicationFactor(),
                Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(config.maxMessageBytes())),
                config.readyTimeout());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(config),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.ctx = new Context(config, topics, new Publisher(producer, topics, Clock.systemUTC(), threads,
                config.readyTimeout()), threads,
                Clock.systemUTC(), Ticker.system(), consumers);
        Duration check = config.readyTimeout().compareTo(REACH_TIMEOUT) < 0 ? config.readyTimeout() : REACH_TIMEOUT;
        this.reachability = new Reachability(() -> topics.unreachable(check), threads, Ticker.system(), REACH_MAX_AGE,
                check.plusMillis(500));
    }

    private static Map<String, Object> producerProperties(KafkaConfig config) {
        Map<String, Object> p = new HashMap<>();
        // The first send to a new topic waits for its metadata: ask again soon, not after 100 ms and more.
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 20);
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 50);
        // Partitions added to a topic take their keys within 10 s, as the consumers see them, not after Kafka's 5 min.
        p.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, GroupConsumer.METADATA_MAX_AGE_MILLIS);
        p.putAll(config.producerProperties());
        int sendMillis = (int) config.sendTimeout().toMillis();
        int lingerMillis = (int) config.linger().toMillis();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId() + "-producer");
        p.put(ProducerConfig.ACKS_CONFIG, config.acks());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, config.idempotence());
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMillis);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, config.batchSize());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.maxMessageBytes());
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, sendMillis);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1, Math.min(30_000, sendMillis - lingerMillis)));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, sendMillis);
        return p;
    }

    /**
     * A broker for {@code config}. Clients connect lazily, so this succeeds while Kafka is
     * down; the first send or subscription then fails retry-safe.
     */
    public static KafkaBroker create(KafkaConfig config) {
        return new KafkaBroker(Objects.requireNonNull(config, "config"), Context::kafkaConsumer);
    }

    /** A broker whose subscriptions get their consumer from {@code consumers}: for tests that watch what it asks. */
    static KafkaBroker create(KafkaConfig config, Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers) {
        return new KafkaBroker(Objects.requireNonNull(config, "config"), consumers);
    }

    /** The configuration. */
    public KafkaConfig config() {
        return config;
    }

    /**
     * Sends {@code message} to the topic of its channel, creating the topic on first use. The
     * future completes when Kafka acknowledged the record, or fails with an
     * {@link UnavailableException} that says whether a retry is safe.
     */
    @Override
    public CompletableFuture<Void> send(Message message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            return CompletableFuture.failedFuture(new UnavailableException(
                    "Kafka broker is closed; " + message + " was not sent"));
        }
        return ctx.publisher().send(message);
    }

    /**
     * Joins {@code group} on {@code channel}, creating the channel's topic if needed, and
     * returns once this consumer has its share of the partitions.
     *
     * @throws UnavailableException (retry-safe) when Kafka cannot be reached in time
     * @throws IllegalArgumentException when {@code channel} is not a legal topic name
     */
    /**
     * The {@code records-lag} of this broker's consumers of {@code channel} in {@code group}
     * (Kafka's own consumer metric: the partition's high watermark minus the consumer's
     * position), summed over the partitions they hold; empty before their first fetch.
     */
    @Override
    public OptionalLong consumerLag(String channel, String group) {
        long sum = 0;
        boolean known = false;
        for (GroupConsumer c : consumers) {
            if (c.channel().equals(channel) && c.group().equals(group)) {
                OptionalLong lag = c.lag();
                if (lag.isPresent()) {
                    sum += lag.getAsLong();
                    known = true;
                }
            }
        }
        return known ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    /**
     * The lag of {@code group} on each partition of {@code channel}'s topic: the end offset minus
     * the group's committed offset (its start offset where it committed nothing), read with the
     * admin client; empty when the topic does not exist.
     *
     * @throws UnavailableException (retry-safe) when Kafka does not answer in time
     */
    @Override
    public Map<Integer, Long> partitionLag(String channel, String group) {
        requireText(channel, "channel");
        requireText(group, "group");
        return ctx.topics().groupLag(channel, group);
    }

    /**
     * Why this broker cannot consume or send now: closed, or one of its consumers is waiting for
     * its share of its group's partitions, failed its last poll, or has no connection open to
     * Kafka (the consumer's {@code connection-count}), each named {@code channel/group}; or Kafka
     * cannot be reached at all ({@code kafka: ...}), which a producer that has not sent yet would
     * only find on its first send: the cluster is described with the admin client, waiting at most
     * 3 s (or the {@linkplain KafkaConfig#readyTimeout() ready timeout} if shorter), on a thread
     * of the broker's, and the answer kept 5 s, so that probes do not each ask Kafka and never
     * wait on it, except the very first, for up to that timeout.
     */
    @Override
    public Optional<String> notReady() {
        if (closed) {
            return Optional.of("closed");
        }
        List<String> problems = new ArrayList<>();
        for (GroupConsumer c : consumers) {
            c.notReady().ifPresent(p -> problems.add(c.channel() + "/" + c.group() + ": " + p));
        }
        reachability.notReady().ifPresent(p -> problems.add("kafka: " + p));
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    @Override
    public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
        requireText(channel, "channel");
        requireText(group, "group");
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("Kafka broker is closed (expected: subscribe before close)");
        }
        GroupConsumer consumer = new GroupConsumer(ctx, channel, group, handler, consumers::remove);
        consumers.add(consumer);
        try {
            consumer.start();
        } catch (RuntimeException e) {
            consumers.remove(consumer);
            throw e;
        }
        return consumer;
    }

    /** The partitions {@code subscription} holds now, for tests. */
    static List<Integer> partitions(Subscription subscription) {
        return ((GroupConsumer) subscription).partitions();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        consumers.parallelStream().forEach(GroupConsumer::close);
        ctx.publisher().close(Duration.ofSeconds(5));
        ctx.topics().close();
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Kafka broker: handlers still running 10 s after close; they ignore interruption");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + config + "]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + (value == null ? "null" : "\"\"") + " (expected: a non-empty string)");
        }
    }
}
