package io.courier.kafka;

import io.courier.Tls;
import io.courier.kafka.internal.KafkaTls;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a {@link KafkaBroker} reaches Kafka, creates topics, produces and consumes. Immutable;
 * variants by {@link #toBuilder()}.
 *
 * <pre>{@code
 * KafkaConfig config = KafkaConfig.builder().bootstrapServers("kafka-1:9092,kafka-2:9092")
 *     .clientId("billing").partitions(16).linger(Duration.ofMillis(10)).compression("lz4").build();
 * }</pre>
 *
 * <p>The defaults favour safety: idempotent producers with {@code acks=all}, offsets committed
 * only after handling. TLS comes from a Courier {@link Tls} ({@link Builder#tls}). Settings
 * Courier has no method for (SASL, for instance) are passed through {@link Builder#producerProperty}
 * and {@link Builder#consumerProperty}; Courier's own settings win where both name the same
 * property, except the TLS ones, which such a property replaces.
 *
 * <p>An immutable value: two configurations with the same settings are equal. Its
 * {@code toString()} names the extra properties but leaves their values out, since they may
 * hold credentials.
 *
 * @param bootstrapServers the brokers to connect to first, {@code host:port[,host:port...]}
 * @param clientId the prefix of the client ids of this broker's producer, consumers and admin client
 * @param partitions partitions of the topics Courier creates
 * @param replicationFactor replicas of the topics Courier creates; empty for the broker's default
 * @param linger the producer's {@code linger.ms}
 * @param batchSize the producer's {@code batch.size} in bytes
 * @param compression the producer's {@code compression.type}
 * @param idempotence whether the producer is idempotent ({@code enable.idempotence})
 * @param acks the producer's {@code acks}
 * @param sendTimeout how long a send may take before it fails retry-safe ({@code delivery.timeout.ms})
 * @param maxMessageBytes the largest message, in bytes ({@code max.request.size}, and
 *     {@code max.message.bytes} of created topics)
 * @param maxPollRecords the consumer's {@code max.poll.records}
 * @param maxPollInterval the consumer's {@code max.poll.interval.ms}
 * @param sessionTimeout the consumer's {@code session.timeout.ms}
 * @param heartbeatInterval the consumer's {@code heartbeat.interval.ms}
 * @param maxUnsettledPerPartition messages of one partition handed over and not yet settled
 *     before the partition is paused
 * @param shutdownGrace how long closing a subscription waits for handlers to settle what they were handed
 * @param readyTimeout how long creating a topic or joining a group may take before it fails retry-safe
 * @param producerProperties extra producer properties
 * @param consumerProperties extra consumer (and admin client) properties
 */
public record KafkaConfig(
        String bootstrapServers,
        String clientId,
        int partitions,
        Optional<Short> replicationFactor,
        Duration linger,
        int batchSize,
        String compression,
        boolean idempotence,
        String acks,
        Duration sendTimeout,
        int maxMessageBytes,
        int maxPollRecords,
        Duration maxPollInterval,
        Duration sessionTimeout,
        Duration heartbeatInterval,
        int maxUnsettledPerPartition,
        Duration shutdownGrace,
        Duration readyTimeout,
        Map<String, String> producerProperties,
        Map<String, String> consumerProperties) {
    private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    /**
     * Checks every component, with the builder's messages, and copies the property maps.
     *
     * @throws IllegalArgumentException naming the component when a value is out of range, or
     *     when settings contradict each other
     * @throws NullPointerException naming the component when it is null
     */
    public KafkaConfig {
        requireText(bootstrapServers, "bootstrapServers");
        requireText(clientId, "clientId");
        requireRange(partitions, 1, 10_000, "partitions");
        Objects.requireNonNull(replicationFactor, "replicationFactor")
                .ifPresent(r -> requireRange(r, 1, Short.MAX_VALUE, "replicationFactor"));
        requireNotNegative(linger, "linger");
        requireRange(batchSize, 0, Integer.MAX_VALUE, "batchSize");
        requireCompression(compression);
        requireAcks(acks);
        requirePositive(sendTimeout, "sendTimeout");
        requireRange(maxMessageBytes, 1024, Integer.MAX_VALUE, "maxMessageBytes");
        requireRange(maxPollRecords, 1, Integer.MAX_VALUE, "maxPollRecords");
        requirePositive(maxPollInterval, "maxPollInterval");
        requirePositive(sessionTimeout, "sessionTimeout");
        requirePositive(heartbeatInterval, "heartbeatInterval");
        requireRange(maxUnsettledPerPartition, 1, 1_000_000, "maxUnsettledPerPartition");
        requireNotNegative(shutdownGrace, "shutdownGrace");
        requirePositive(readyTimeout, "readyTimeout");
        producerProperties = Map.copyOf(Objects.requireNonNull(producerProperties, "producerProperties"));
        consumerProperties = Map.copyOf(Objects.requireNonNull(consumerProperties, "consumerProperties"));
        if (idempotence && !acks.equals("all")) {
            throw new IllegalArgumentException("acks: \"" + acks + "\" (expected: all while idempotence is on;"
                    + " turn idempotence off for acks 1 or 0)");
        }
        if (heartbeatInterval.compareTo(sessionTimeout) >= 0) {
            throw new IllegalArgumentException("heartbeatInterval: " + heartbeatInterval
                    + " (expected: < sessionTimeout " + sessionTimeout + ")");
        }
    }

    /** The defaults: Kafka on {@code 127.0.0.1:9092}. */
    public static KafkaConfig defaults() {
        return builder().build();
    }

    /** A builder with the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bootstrapServers = bootstrapServers;
        b.clientId = clientId;
        b.partitions = partitions;
        b.replicationFactor = replicationFactor;
        b.linger = linger;
        b.batchSize = batchSize;
        b.compression = compression;
        b.idempotence = idempotence;
        b.acks = acks;
        b.sendTimeout = sendTimeout;
        b.maxMessageBytes = maxMessageBytes;
        b.maxPollRecords = maxPollRecords;
        b.maxPollInterval = maxPollInterval;
        b.sessionTimeout = sessionTimeout;
        b.heartbeatInterval = heartbeatInterval;
        b.maxUnsettledPerPartition = maxUnsettledPerPartition;
        b.shutdownGrace = shutdownGrace;
        b.readyTimeout = readyTimeout;
        b.producerProperties.putAll(producerProperties);
        b.consumerProperties.putAll(consumerProperties);
        return b;
    }

    /** Every setting, the extra properties by name only: their values may be credentials. */
    @Override
    public String toString() {
        return "KafkaConfig[bootstrapServers=" + bootstrapServers + ", clientId=" + clientId + ", partitions="
                + partitions + ", replicationFactor=" + replicationFactor + ", linger=" + linger + ", batchSize="
                + batchSize + ", compression=" + compression + ", idempotence=" + idempotence + ", acks=" + acks
                + ", sendTimeout=" + sendTimeout + ", maxMessageBytes=" + maxMessageBytes + ", maxPollRecords="
                + maxPollRecords + ", maxPollInterval=" + maxPollInterval + ", sessionTimeout=" + sessionTimeout
                + ", heartbeatInterval=" + heartbeatInterval + ", maxUnsettledPerPartition=" + maxUnsettledPerPartition
                + ", shutdownGrace=" + shutdownGrace + ", readyTimeout=" + readyTimeout + ", producerProperties="
                + new TreeSet<>(producerProperties.keySet()) + ", consumerProperties="
                + new TreeSet<>(consumerProperties.keySet()) + "]";
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + ": " + (value == null ? "null" : "\"" + value + "\"")
                    + " (expected: a non-blank string)");
        }
        return value;
    }

    private static int requireRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return value;
    }

    private static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
        return d;
    }

    private static Duration requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
        }
        return d;
    }

    private static String requireCompression(String compression) {
        Objects.requireNonNull(compression, "compression");
        if (!COMPRESSIONS.contains(compression)) {
            throw new IllegalArgumentException("compression: \"" + compression + "\" (expected: one of none, gzip,"
                    + " snappy, lz4, zstd)");
        }
        return compression;
    }

    private static String requireAcks(String acks) {
        Objects.requireNonNull(acks, "acks");
        if (!Set.of("all", "1", "0").contains(acks)) {
            throw new IllegalArgumentException("acks: \"" + acks + "\" (expected: all, 1 or 0)");
        }
        return acks;
    }

    /** Builds a {@link KafkaConfig}; not thread-safe. */
    public static final class Builder {
        private String bootstrapServers = "127.0.0.1:9092";
        private String clientId = "courier";
        private int partitions = 8;
        private Optional<Short> replicationFactor = Optional.empty();
        private Duration linger = Duration.ofMillis(5);
        private int batchSize = 16_384;
        private String compression = "none";
        private boolean idempotence = true;
        private String acks = "all";
        private Duration sendTimeout = Duration.ofSeconds(30);
        private int maxMessageBytes = 8 * 1024 * 1024;
        private int maxPollRecords = 500;
        private Duration maxPollInterval = Duration.ofMinutes(5);
        private Duration sessionTimeout = Duration.ofSeconds(10);
        private Duration heartbeatInterval = Duration.ofMillis(500);
        private int maxUnsettledPerPartition = 1000;
        private Duration shutdownGrace = Duration.ofSeconds(5);
        private Duration readyTimeout = Duration.ofSeconds(30);
        private final Map<String, String> producerProperties = new TreeMap<>();
        private final Map<String, String> consumerProperties = new TreeMap<>();
        private Tls tls;

        private Builder() {
        }

        /**
         * Connects to Kafka over TLS ({@code security.protocol=SSL}): {@code tls}'s trust verifies
         * the brokers, its certificate, if any, is the client certificate for listeners with
         * {@code ssl.client.auth=required}, and its hostname verification is Kafka's
         * {@code ssl.endpoint.identification.algorithm}. The files are read by {@link #build()}
         * and handed to every client inline as PEM ({@code ssl.keystore.type=PEM},
         * {@code ssl.truststore.type=PEM}). PEM files (with a non-zero reload interval) also set
         * {@code ssl.engine.factory.class} to one that reads them again for a new connection
         * after they change, so a renewed certificate takes no new broker. Its client
         * authentication plays no part. An {@code ssl.*} property
         * given by {@link #producerProperty} or {@link #consumerProperty} replaces the one
         * {@code tls} stands for.
         */
        public Builder tls(Tls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** The brokers to connect to first (default {@code 127.0.0.1:9092}). */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = requireText(servers, "bootstrapServers");
            return this;
        }

        /** The prefix of client ids (default {@code courier}), as the broker's logs and quotas show them. */
        public Builder clientId(String clientId) {
            this.clientId = requireText(clientId, "clientId");
            return this;
        }

        /**
         * Partitions of the topics Courier creates (default 8): how many instances of a group
         * consume a channel at once. Topics that exist keep their partitions.
         */
        public Builder partitions(int partitions) {
            this.partitions = requireRange(partitions, 1, 10_000, "partitions");
            return this;
        }

        /** Replicas of the topics Courier creates (default: the broker's {@code default.replication.factor}). */
        public Builder replicationFactor(int replicas) {
            this.replicationFactor = Optional.of((short) requireRange(replicas, 1, Short.MAX_VALUE, "replicationFactor"));
            return this;
        }

        /** How long the producer waits to fill a batch (default 5 ms, Kafka's {@code linger.ms}). */
        public Builder linger(Duration linger) {
            this.linger = requireNotNegative(linger, "linger");
            return this;
        }

        /** The producer's batch size in bytes per partition (default 16384). */
        public Builder batchSize(int bytes) {
            this.batchSize = requireRange(bytes, 0, Integer.MAX_VALUE, "batchSize");
            return this;
        }

        /** The producer's compression: none (default), gzip, snappy, lz4 or zstd. */
        public Builder compression(String compression) {
            this.compression = requireCompression(compression);
            return this;
        }

        /**
         * Whether the producer is idempotent (default true): retries inside the producer do not
         * duplicate or reorder messages. Needs {@code acks=all}.
         */
        public Builder idempotence(boolean idempotence) {
            this.idempotence = idempotence;
            return this;
        }

        /** How many replicas must have a message before a send completes: {@code all} (default), {@code 1} or {@code 0}. */
        public Builder acks(String acks) {
            this.acks = requireAcks(acks);
            return this;
        }

        /**
         * How long a send may take, retries inside the producer and waiting for a broker that is
         * away included, before it fails retry-safe (default 30 s).
         */
        public Builder sendTimeout(Duration timeout) {
            this.sendTimeout = requirePositive(timeout, "sendTimeout");
            return this;
        }

        /** The largest message in bytes, envelope included (default 8 MiB). */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = requireRange(bytes, 1024, Integer.MAX_VALUE, "maxMessageBytes");
            return this;
        }

        /** Records one poll returns at most (default 500). */
        public Builder maxPollRecords(int records) {
            this.maxPollRecords = requireRange(records, 1, Integer.MAX_VALUE, "maxPollRecords");
            return this;
        }

        /**
         * How long a consumer may go between polls before Kafka drops it from its group
         * (default 5 min). Courier polls continuously, pausing partitions instead of stalling,
         * so slow handlers do not count against it.
         */
        public Builder maxPollInterval(Duration interval) {
            this.maxPollInterval = requirePositive(interval, "maxPollInterval");
            return this;
        }

        /**
         * How long a consumer that stopped heartbeating keeps its partitions (default 10 s): the
         * longest its partitions go unconsumed after its process died. The broker bounds it
         * ({@code group.min.session.timeout.ms}, 6 s by default).
         */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = requirePositive(timeout, "sessionTimeout");
            return this;
        }

        /** How often a consumer heartbeats (default 500 ms): how fast it learns of a rebalance. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = requirePositive(interval, "heartbeatInterval");
            return this;
        }

        /**
         * Messages of one partition handed to the handler and not yet settled before Courier
         * pauses the partition (default 1000): the window in which other keys go on while one
         * key is parked for retry.
         */
        public Builder maxUnsettledPerPartition(int max) {
            this.maxUnsettledPerPartition = requireRange(max, 1, 1_000_000, "maxUnsettledPerPartition");
            return this;
        }

        /** How long closing a subscription waits for what its handler was handed to be settled (default 5 s). */
        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = requireNotNegative(grace, "shutdownGrace");
            return this;
        }

        /** How long creating a topic, or joining a group when subscribing, may take (default 30 s). */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = requirePositive(timeout, "readyTimeout");
            return this;
        }

        /** A producer property Courier has no method for (security, for instance). */
        public Builder producerProperty(String name, String value) {
            producerProperties.put(requireText(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A consumer (and admin client) property Courier has no method for. */
        public Builder consumerProperty(String name, String value) {
            consumerProperties.put(requireText(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException when settings contradict each other, or a file of the
         *     {@link #tls} cannot be used (the message names it)
         */
        public KafkaConfig build() {
            Map<String, String> producer = new TreeMap<>();
            Map<String, String> consumer = new TreeMap<>();
            if (tls != null) {
                Map<String, String> ssl = KafkaTls.properties(tls);
                producer.putAll(ssl);
                consumer.putAll(ssl);
            }
            producer.putAll(producerProperties);
            consumer.putAll(consumerProperties);
            return new KafkaConfig(bootstrapServers, clientId, partitions, replicationFactor, linger, batchSize,
                    compression, idempotence, acks, sendTimeout, maxMessageBytes, maxPollRecords, maxPollInterval,
                    sessionTimeout, heartbeatInterval, maxUnsettledPerPartition, shutdownGrace, readyTimeout,
                    producer, consumer);
        }
    }
}
