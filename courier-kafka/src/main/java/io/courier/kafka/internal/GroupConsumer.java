package io.courier.kafka.internal;

import io.courier.UnavailableException;
import io.courier.kafka.KafkaConfig;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: a Kafka consumer in the group, driven by a poll thread of its own that
 * never waits for a handler. Records go to one {@link PartitionLane} per assigned partition;
 * a partition with too many records unsettled is paused rather than left unpolled, so slow
 * handlers, parked keys and retries never push the consumer past {@code max.poll.interval.ms}.
 * Offsets are committed after handling, per partition, at the lowest offset not yet settled.
 *
 * <p>A group whose name is its channel's is private: one instance's reply channel. It reads its
 * one-partition topic with {@code assign()} from the start, with no group and no rebalance, and
 * deletes the topic when closed. Thread-safe.
 */
public final class GroupConsumer implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(GroupConsumer.class);
    private static final Duration POLL = Duration.ofMillis(50);
    /** How old the consumers' and the producer's metadata may get: how soon partitions added to a topic are used. */
    public static final int METADATA_MAX_AGE_MILLIS = 10_000;
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Context ctx;
    private final String channel;
    private final String group;
    private final DeliveryHandler handler;
    private final Consumer<GroupConsumer> onClose;
    private final boolean isPrivate;
    private final Map<TopicPartition, PartitionLane> lanes = new ConcurrentHashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final CompletableFuture<Void> assigned = new CompletableFuture<>();
    private org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    /** The consumer's metrics: a live, thread-safe view, read by {@link #lag()} from any thread. */
    private volatile Map<MetricName, ? extends Metric> metrics = Map.of();
    private String topic;
    private Thread poller;
    private volatile boolean stopping;
    private volatile boolean closed;
    /** Partitions were revoked and the new assignment has not come yet. */
    private volatile boolean rebalancing;
    /** The topic was found missing with no partition assigned; false again once partitions are. */
    private volatile boolean topicMissing;
    /** Counts the assignments looked at for a deleted topic: a lookup answering late applies to its own only. */
    private final AtomicLong assignments = new AtomicLong();
    /** The failure of the last poll, null once a poll succeeds. */
    private volatile String pollFailure;

    public GroupConsumer(Context ctx, String channel, String group, DeliveryHandler handler,
                         Consumer<GroupConsumer> onClose) {
        this.ctx = ctx;
        this.channel = channel;
        this.group = group;
        this.handler = handler;
        this.onClose = onClose;
        this.isPrivate = channel.equals(group);
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public String group() {
        return group;
    }

    boolean isPrivate() {
        return isPrivate;
    }

    boolean stopping() {
        return stopping;
    }

    /**
     * Creates the topic if needed, joins the group and returns once this consumer has its
     * partitions (possibly none, when the group has more members than the topic partitions).
     *
     * @throws UnavailableException (retry-safe) when Kafka cannot be reached in time
     */
    public void start() {
        KafkaConfig config = ctx.config();
        topic = isPrivate ? ctx.topics().createPrivate(channel) : ctx.topics().ensure(channel);
        consumer = ctx.consumers().apply(properties(config));
        metrics = consumer.metrics();
        if (isPrivate) {
            TopicPartition only = new TopicPartition(topic, 0);
            consumer.assign(List.of(only));
            consumer.seek(only, 0); // a new topic starts at 0: no offset lookup before the first fetch
            lanes.put(only, new PartitionLane(only, this, ctx, handler));
            assigned.complete(null);
        } else {
            consumer.subscribe(List.of(topic), new Rebalance());
        }
        poller = Thread.ofPlatform().name("courier-kafka-" + channel + "-" + group).daemon().start(this::run);
        try {
            assigned.get(config.readyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            close();
            throw new UnavailableException("joining group " + group + " on Kafka topic " + topic + " took longer than "
                    + config.readyTimeout().toMillis() + " ms; retry once the broker is reachable", Map.of(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new UnavailableException("interrupted while joining group " + group + " on " + topic, Map.of(), true, e);
        }
    }

    private Map<String, Object> properties(KafkaConfig config) {
        Map<String, Object> p = new HashMap<>();
        // A new topic's metadata is fetched again soon, not after Kafka's default 100 ms and more.
        p.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, 20);
        p.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 50);
        // Partitions added to the topic are seen (and the group rebalanced onto them) within 10 s, not Kafka's 5 min.
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, METADATA_MAX_AGE_MILLIS);
        // A topic deleted under the consumer is not created again by its metadata requests with the
        // broker's defaults (auto.create.topics.enable): Courier creates it, with its partitions, on the next send.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.putAll(config.consumerProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId() + "-" + group + "-" + IDS.incrementAndGet());
        if (!isPrivate) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // What was sent before the group's first member subscribed is kept for it.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) config.maxPollInterval().toMillis());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) config.heartbeatInterval().toMillis());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(1024 * 1024, config.maxMessageBytes()));
        return p;
    }

    private void run() {
        try {
            while (!closed) {
                try {
                    for (PartitionLane lane : lanes.values()) {
                        long restart = lane.takeRestart();
                        if (restart >= 0) {
                            consumer.seek(lane.tp, restart);
                        }
                    }
                    pauseOrResume();
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    for (TopicPartition tp : records.partitions()) {
                        PartitionLane lane = lanes.get(tp);
                        if (lane != null) {
                            lane.offer(records.records(tp));
                        }
                    }
                    commit(false);
                    pollFailure = null;
                } catch (KafkaException | IllegalStateException e) {
                    if (closed) {
                        break;
                    }
                    pollFailure = e.toString();
                    log.warn("{} group {}: consuming failed ({}); polling again", channel, group, e.toString());
                    Thread.sleep(100); // a backoff before the next poll, not a wait for a condition
                }
            }
        } catch (InterruptedException e) {
            log.debug("{} group {}: poll thread interrupted", channel, group);
        } catch (RuntimeException e) {
            log.error("{} group {}: the poll thread stopped on an unexpected failure", channel, group, e);
            assigned.completeExceptionally(e);
        } finally {
            finish();
        }
    }

    private void pauseOrResume() {
        int max = ctx.config().maxUnsettledPerPartition();
        Set<TopicPartition> pause = new HashSet<>();
        Set<TopicPartition> resume = new HashSet<>();
        for (PartitionLane lane : lanes.values()) {
            int load = lane.load();
            if (stopping || load >= max) {
                if (paused.add(lane.tp)) {
                    pause.add(lane.tp);
                }
            } else if (load <= max / 2 && paused.remove(lane.tp)) {
                resume.add(lane.tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** Commits what was settled; synchronously when partitions are given up or the consumer closes. */
    private void commit(boolean sync) {
        commit(lanes.values(), sync);
    }

    private void commit(Collection<PartitionLane> which, boolean sync) {
        if (isPrivate) {
            return; // no group: a reply channel is read from its start by its one instance
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, PartitionLane> byTp = new HashMap<>();
        for (PartitionLane lane : which) {
            long point = lane.commitPoint();
            if (point >= 0) {
                offsets.put(lane.tp, new OffsetAndMetadata(point));
                byTp.put(lane.tp, lane);
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                consumer.commitSync(offsets, ctx.config().readyTimeout());
                offsets.forEach((tp, o) -> byTp.get(tp).committed(o.offset()));
            } catch (KafkaException e) {
                log.warn("{} group {}: committing {} failed ({}); those records will be delivered again", channel, group,
                        offsets, e.toString());
            }
            return;
        }
        consumer.commitAsync(offsets, (done, e) -> {
            if (e == null) {
                done.forEach((tp, o) -> byTp.get(tp).committed(o.offset()));
            } else {
                log.debug("{} group {}: committing failed ({}); trying again", channel, group, e.toString());
            }
        });
    }

    /** Gives up partitions: waits a little for what was handed over, commits, and stops their lanes. */
    private void giveUp(Collection<TopicPartition> partitions, boolean commit) {
        List<PartitionLane> gone = partitions.stream().map(lanes::remove).filter(l -> l != null).toList();
        if (gone.isEmpty()) {
            return;
        }
        if (commit) {
            if (!closed) {
                long deadline = System.nanoTime() + ctx.config().shutdownGrace().toNanos();
                try {
                    for (PartitionLane lane : gone) {
                        lane.awaitSettled(deadline);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            commit(gone, true);
        }
        gone.forEach(PartitionLane::stop);
        paused.removeAll(partitions);
    }

    private void finish() {
        try {
            commit(true);
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            log.debug("{} group {}: closing the consumer: {}", channel, group, e.toString());
        }
        lanes.values().forEach(PartitionLane::stop);
        lanes.clear();
        if (isPrivate && topic != null) {
            ctx.topics().delete(topic); // nobody else reads it
        }
    }

    /**
     * The sum of the consumer's {@code records-lag} over the partitions of its topic it has
     * fetched from; empty before the first fetch.
     */
    public OptionalLong lag() {
        long sum = 0;
        boolean known = false;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                    && topic != null && topic.equals(name.tags().get("topic"))
                    && e.getValue().metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                sum += n.longValue();
                known = true;
            }
        }
        return known ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    /**
     * Why this consumer cannot consume now, for readiness: closing, not yet (or no longer)
     * assigned its share of the group, its topic deleted, its last poll failed, or no connection to Kafka open (the
     * consumer's own {@code connection-count}); empty when it consumes.
     */
    public Optional<String> notReady() {
        if (stopping) {
            return Optional.of("closing");
        }
        if (!assigned.isDone() || rebalancing) {
            return Optional.of("waiting for its partitions of the group");
        }
        if (topicMissing) {
            return Optional.of("topic " + topic + " does not exist (deleted on the broker?); the next send creates it");
        }
        String failure = pollFailure;
        if (failure != null) {
            return Optional.of("polling failed: " + failure);
        }
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            if (name.name().equals("connection-count") && name.group().equals("consumer-metrics")
                    && e.getValue().metricValue() instanceof Number n && n.doubleValue() < 1) {
                return Optional.of("not connected to Kafka");
            }
        }
        return Optional.empty();
    }

    /** The partitions this consumer holds now: for tests and diagnostics. */
    public List<Integer> partitions() {
        return lanes.keySet().stream().map(TopicPartition::partition).sorted().toList();
    }

    /**
     * Stops consuming: nothing more is handed over; waits up to the configured shutdown grace
     * for the handler to settle what it was handed, commits, and leaves the group.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        long deadline = System.nanoTime() + ctx.config().shutdownGrace().toNanos();
        try {
            for (PartitionLane lane : lanes.values()) {
                lane.awaitSettled(deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        if (poller != null) {
            // No wakeup(): it could fail the final commit; the poll returns within its 50 ms anyway.
            try {
                if (!poller.join(Duration.ofSeconds(15))) {
                    log.warn("{} group {}: the poll thread did not stop within 15 s", channel, group);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (consumer != null) {
            finish();
        }
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "member of " + group + " on " + channel;
    }

    /**
     * With no partition left, whether the topic itself is gone (deleted by an operator, say):
     * said once as a WARN and in readiness until the topic is back and its partitions assigned.
     * An empty assignment with the topic in the consumer's metadata is a group with more members
     * than partitions. A topic missing from that metadata is confirmed with the admin client, off
     * the poll thread: the rebalance never waits for Kafka's answer.
     */
    private void lookForDeletedTopic() {
        long check = assignments.incrementAndGet();
        if (!consumer.assignment().isEmpty() || topicKnown()) {
            if (topicMissing) {
                log.warn("{} group {}: topic {} exists again; consuming it", channel, group, topic);
            }
            topicMissing = false;
            return;
        }
        if (topicMissing) {
            return;
        }
        ctx.topics().lookUp(topic, ctx.config().readyTimeout()).whenComplete((exists, e) -> {
            if (e != null) {
                log.debug("{} group {}: cannot look whether topic {} exists ({})", channel, group, topic, e.toString());
            } else if (!exists && assignments.get() == check && !stopping && !topicMissing) {
                // Still the assignment this lookup was made for: no partition came since.
                topicMissing = true;
                log.warn("{} group {}: topic {} does not exist (deleted on the broker?), with what it held; the group"
                        + " consumes again once it exists: the next send creates it with the configured partitions",
                        channel, group, topic);
            }
        });
    }

    /**
     * Whether the consumer's own metadata lists partitions of the topic: its cache only, asked
     * with no time to wait, so never a wait for Kafka (Kafka's {@code TimeoutException} means
     * the cache has no partitions of it).
     */
    private boolean topicKnown() {
        try {
            return !consumer.partitionsFor(topic, Duration.ZERO).isEmpty();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return false;
        } catch (KafkaException e) {
            log.debug("{} group {}: topic {} not in the consumer's metadata ({})", channel, group, topic, e.toString());
            return false;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            rebalancing = !partitions.isEmpty();
            // Asks nothing of Kafka: a rebalance waits for no lookup. A topic that is not in the
            // consumer's metadata was deleted (which is what made the group rebalance) or has no
            // metadata to be had now: committing would wait up to readyTimeout for nothing, and not
            // committing only delivers again what was settled since the last commit.
            giveUp(partitions, !partitions.isEmpty() && topicKnown());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            rebalancing = !partitions.isEmpty();
            giveUp(partitions, false); // another member may have them already: committing would fail
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                lanes.put(tp, new PartitionLane(tp, GroupConsumer.this, ctx, handler));
            }
            // Look every position up now, so the next fetch asks for every partition: a partition
            // left out of a fetch waits for that fetch to end (up to fetch.max.wait.ms, 500 ms)
            // before its first record is fetched.
            try {
                for (TopicPartition tp : partitions) {
                    consumer.position(tp, ctx.config().readyTimeout());
                }
            } catch (KafkaException e) {
                log.debug("{} group {}: positions not known yet ({}); the fetches will find them", channel, group,
                        e.toString());
            }
            log.debug("{} group {}: assigned {}", channel, group, partitions);
            lookForDeletedTopic();
            rebalancing = false;
            assigned.complete(null);
        }
    }
}
