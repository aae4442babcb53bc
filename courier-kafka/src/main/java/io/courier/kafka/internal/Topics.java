package io.courier.kafka.internal;

import io.courier.UnavailableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of channels on first use and waits until every partition has a leader, so
 * that a send or a subscription that follows finds the topic served. Remembers the topics known
 * to be ready. Thread-safe.
 */
public final class Topics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Topics.class);
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** How long a topic found missing is taken to stay so. */
    private static final long MISSING_KEPT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** At most this many missing topics are remembered. */
    private static final int MISSING_REMEMBERED = 1024;

    private final Admin admin;
    private final int partitions;
    private final Optional<Short> replicationFactor;
    private final Map<String, String> topicConfig;
    private final Duration timeout;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    /** Topics {@link #exists} found missing, with when ({@link System#nanoTime()}): not asked again for a while. */
    private final Map<String, Long> missing = new ConcurrentHashMap<>();
    /** The {@link #lookUp} under way per topic. */
    private final Map<String, CompletableFuture<Boolean>> lookups = new ConcurrentHashMap<>();

    public Topics(Admin admin, int partitions, Optional<Short> replicationFactor, Map<String, String> topicConfig,
                  Duration timeout) {
        this.admin = admin;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.topicConfig = topicConfig;
        this.timeout = timeout;
    }

    /** The topic of {@code channel}: the channel's name, which must be a legal topic name. */
    public static String topic(String channel) {
        if (!LEGAL.matcher(channel).matches() || channel.equals(".") || channel.equals("..")) {
            throw new IllegalArgumentException("channel: \"" + channel + "\" (expected: a Kafka topic name: 1 to 249"
                    + " letters, digits, '.', '_' or '-')");
        }
        return channel;
    }

    /** Makes sure the topic of {@code channel} exists and is served, creating it with the configured partitions. */
    public String ensure(String channel) {
        return ensure(channel, partitions);
    }

    /**
     * Makes sure the topic of {@code channel} exists, creating it with the configured
     * partitions, without waiting for its partitions to be served: the producer waits for their
     * leaders itself, so a send needs no more.
     */
    public String ensureExists(String channel) {
        return ensure(channel, partitions, false);
    }

    /**
     * Makes sure the topic of {@code channel} exists and is served, creating it with
     * {@code count} partitions if it does not.
     *
     * @throws UnavailableException (retry-safe) when Kafka could not be reached in time
     */
    public String ensure(String channel, int count) {
        return ensure(channel, count, true);
    }

    /**
     * Creates the one-partition topic of a private channel and returns once Kafka's controller
     * has it, without waiting for its partition to be served: its consumer, which reads it from
     * the start, finds what is sent there as soon as it is served.
     */
    public String createPrivate(String channel) {
        return ensure(channel, 1, false);
    }

    private String ensure(String channel, int count, boolean awaitServed) {
        String topic = topic(channel);
        if (ready.contains(topic)) {
            return topic;
        }
        long end = System.nanoTime() + timeout.toNanos();
        try {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(count), replicationFactor).configs(topicConfig)))
                        .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                log.debug("created topic {} with {} partitions", topic, count);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            if (!awaitServed) {
                ready.add(topic);
                return topic;
            }
            while (!served(topic)) {
                if (System.nanoTime() - end > 0) {
                    throw new TimeoutException("partitions without a leader");
                }
                Thread.sleep(10); // a poll interval while the controller elects leaders, not a guess at a duration
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (KafkaTls.isRefusal(cause)) {
                throw KafkaTls.refused("Kafka topic " + topic, cause);
            }
            throw new UnavailableException("Kafka topic " + topic + " is not ready after " + timeout.toMillis()
                    + " ms (" + cause + "); retry once the broker is reachable", Map.of(), true, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while waiting for Kafka topic " + topic, Map.of(), true, e);
        }
        ready.add(topic);
        return topic;
    }

    private boolean served(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return d != null && !d.partitions().isEmpty() && d.partitions().stream().map(TopicPartitionInfo::leader)
                    .allMatch(leader -> leader != null && !leader.isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // created, not yet in the metadata this broker serves
            }
            throw e;
        }
    }

    /**
     * Whether the topic of {@code channel} exists, looking for up to {@code patience} (a topic
     * just created may not be in every broker's metadata yet), at growing intervals (20 ms, then
     * twice as long each time). Creates nothing. A topic found missing is taken to stay so for 5
     * seconds: asked about again within that time, this answers at once, so messages naming a
     * topic that is gone cost one lookup, not one each.
     */
    public boolean exists(String channel, Duration patience) {
        String topic = topic(channel);
        if (ready.contains(topic)) {
            return true;
        }
        long start = System.nanoTime();
        Long foundMissing = missing.get(topic);
        if (foundMissing != null && start - foundMissing < MISSING_KEPT_NANOS) {
            return false;
        }
        long end = start + patience.toNanos();
        long interval = 20;
        try {
            while (true) {
                try {
                    admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    ready.add(topic);
                    missing.remove(topic);
                    return true;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) {
                    rememberMissing(topic);
                    return false;
                }
                Thread.sleep(Math.min(interval, left)); // a poll interval while metadata spreads
                interval *= 2;
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (KafkaTls.isRefusal(cause)) {
                throw KafkaTls.refused("Kafka topic " + topic, cause);
            }
            throw new UnavailableException("cannot look Kafka topic " + topic + " up (" + cause
                    + "); retry once the broker is reachable", Map.of(), true, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while looking Kafka topic " + topic + " up", Map.of(), true, e);
        }
    }

    /**
     * Asks Kafka whether {@code topic} exists, without blocking: the answer completes with true
     * when Kafka describes the topic, false when it answers that the topic is unknown
     * ({@link UnknownTopicOrPartitionException}), and exceptionally when it cannot tell within
     * {@code bound} (unreachable, refused). Lookups of one topic made while one is under way
     * share its answer, so a burst of failed sends asks once. Completes on the admin client's
     * thread: what depends on it must not block.
     */
    public CompletableFuture<Boolean> lookUp(String topic, Duration bound) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        CompletableFuture<Boolean> running = lookups.putIfAbsent(topic, answer);
        if (running != null) {
            return running;
        }
        answer.whenComplete((found, e) -> lookups.remove(topic, answer));
        int millis = (int) Math.max(1, bound.toMillis());
        try {
            admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(millis)).allTopicNames()
                    .whenComplete((described, e) -> {
                        if (e == null) {
                            answer.complete(true);
                        } else if (causedBy(e, UnknownTopicOrPartitionException.class)) {
                            answer.complete(false);
                        } else {
                            answer.completeExceptionally(e);
                        }
                    });
        } catch (RuntimeException e) {
            answer.completeExceptionally(e); // the admin client closed
        }
        // The admin client's own timeout bounds the request; this bounds the answer whatever it does.
        answer.orTimeout(millis + 1_000L, TimeUnit.MILLISECONDS);
        return answer;
    }

    /** Whether {@code e} is, or was caused by, an exception of class {@code type}. */
    public static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void rememberMissing(String topic) {
        long now = System.nanoTime();
        if (missing.size() >= MISSING_REMEMBERED) {
            missing.values().removeIf(t -> now - t >= MISSING_KEPT_NANOS);
            if (missing.size() >= MISSING_REMEMBERED) {
                return; // so many names in 5 s: each asked about again rather than held without bound
            }
        }
        missing.put(topic, now);
    }

    /**
     * Why Kafka cannot be reached now, empty when it answers: a description of the cluster asked
     * with the admin client, waiting at most {@code timeout}.
     */
    public Optional<String> unreachable(Duration timeout) {
        long millis = timeout.toMillis();
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) millis)).nodes()
                    .get(millis, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.of("cannot reach Kafka: " + e.getCause());
        } catch (TimeoutException e) {
            return Optional.of("no answer from Kafka in " + millis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while reaching Kafka");
        }
    }

    /**
     * The lag of {@code group} on each partition of {@code channel}'s topic: the partition's end
     * offset minus the group's committed offset (its start offset when the group committed
     * nothing there), asked of Kafka with the admin client; empty when the topic does not exist.
     *
     * @throws UnavailableException (retry-safe) when Kafka does not answer in time
     */
    public Map<Integer, Long> groupLag(String channel, String group) {
        String topic = topic(channel);
        long millis = Math.min(timeout.toMillis(), 5_000);
        try {
            TopicDescription d;
            try {
                d = admin.describeTopics(List.of(topic)).allTopicNames().get(millis, TimeUnit.MILLISECONDS).get(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return Map.of();
                }
                throw e;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (TopicPartitionInfo p : d.partitions()) {
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            }
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata();
            var ends = admin.listOffsets(latest).all();
            var starts = admin.listOffsets(earliest).all();
            Map<TopicPartition, OffsetAndMetadata> offsets = committed.get(millis, TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = ends.get(millis, TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> start = starts.get(millis, TimeUnit.MILLISECONDS);
            Map<Integer, Long> lag = new TreeMap<>();
            for (TopicPartition tp : latest.keySet()) {
                OffsetAndMetadata at = offsets.get(tp);
                long from = at != null ? at.offset() : start.get(tp).offset();
                lag.put(tp.partition(), Math.max(0, end.get(tp).offset() - from));
            }
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new UnavailableException("cannot read the lag of group " + group + " on Kafka topic " + topic + " ("
                    + cause + ")", Map.of(), true, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while reading the lag of group " + group + " on " + topic,
                    Map.of(), true, e);
        }
    }

    /** Deletes {@code topic} without waiting (a private reply topic whose owner closed). */
    public void delete(String topic) {
        ready.remove(topic);
        admin.deleteTopics(List.of(topic)).all().whenComplete((ok, e) -> {
            if (e != null) {
                log.debug("topic {} not deleted: {}", topic, e.toString());
            }
        });
    }

    /** Forgets {@code topic}, so that it is checked (and created if missing) again before its next use. */
    public void forget(String topic) {
        ready.remove(topic);
    }

    /** Forgets every topic, so that each is checked again before use (after the broker may have lost them). */
    public void forget() {
        ready.clear();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
