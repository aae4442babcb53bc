package io.courier.messaging.inmemory;

import io.courier.UnavailableException;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import io.courier.messaging.spi.ReplyChannelNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker inside one JVM with the semantics of a real one: the default when no broker is
 * configured, and the broker for users' tests. Channels have a fixed number of partitions
 * chosen by key hash; every group gets every message; consumers of a group compete, each
 * partition consumed by one of them at a time, in order; unacknowledged messages are delivered
 * again after a nack, a handler's exception, or the close of the consumer's subscription.
 * Messages live in memory only: they are lost when the JVM stops.
 *
 * <pre>{@code
 * try (InMemoryBroker broker = InMemoryBroker.create()) {
 *     broker.subscribe("orders", "billing", d -> { bill(d.message()); d.ack(); });
 *     broker.send(Message.builder().channel("orders").partitionKey("42").payload(bytes).build());
 * }
 * }</pre>
 *
 * <p>Thread-safe. Each partition of each group has one virtual thread that waits (never spins)
 * for work, and each delivery runs its handler on a virtual thread of its own, so a consumer
 * blocked in a handler can be closed and its messages handed to another. {@link #close()}
 * interrupts and ends them all.
 */
public final class InMemoryBroker implements MessageBroker {
    private static final Logger log = LoggerFactory.getLogger(InMemoryBroker.class);

    final ReentrantLock lock = new ReentrantLock();
    final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("courier-inmemory-broker-", 0).factory());
    final int maxUnacked;
    private final int partitions;
    private final Map<String, Topic> channels = new HashMap<>();
    private long sequence;
    volatile boolean closed;

    private InMemoryBroker(Builder b) {
        this.partitions = b.partitions;
        this.maxUnacked = b.maxUnackedPerPartition;
    }

    /** A broker with 8 partitions per channel and up to 1024 unacknowledged messages per partition. */
    public static InMemoryBroker create() {
        return builder().build();
    }

    /** A builder with the defaults of {@link #create()}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        Objects.requireNonNull(message, "message");
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new UnavailableException(
                        "in-memory broker is closed; " + message + " was not sent"));
            }
            Topic topic = channels.get(message.channel());
            if (topic == null) {
                if (message.headers().get(MessageHeaders.STATUS).isPresent()) {
                    // A reply creates no channel: its requester made its own, and nobody would read this one.
                    return CompletableFuture.failedFuture(new ReplyChannelNotFoundException(message.channel()));
                }
                topic = new Topic(message.channel());
                channels.put(message.channel(), topic);
            }
            topic.add(message, sequence++);
            return CompletableFuture.completedFuture(null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
        requireText(channel, "channel");
        requireText(group, "group");
        Objects.requireNonNull(handler, "handler");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("in-memory broker is closed (expected: subscribe before close)");
            }
            Topic topic = channels.computeIfAbsent(channel, Topic::new);
            ConsumerGroup g = topic.group(group);
            Consumer consumer = new Consumer(this, g, handler);
            g.join(consumer);
            return consumer;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every subscription, then interrupts and waits for every thread of the broker. */
    @Override
    public void close() {
        List<ConsumerGroup> groups = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Topic t : channels.values()) {
                groups.addAll(t.groups.values());
            }
            for (ConsumerGroup g : groups) {
                g.wakeAll();
            }
        } finally {
            lock.unlock();
        }
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("in-memory broker: handlers still running 10 s after close; they ignore interruption");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether every thread the broker started has ended (true after {@link #close()}). */
    boolean terminated() {
        return threads.isTerminated();
    }

    /** Messages of {@code channel} not yet acknowledged by {@code group}: for tests and diagnostics. */
    public int unacknowledged(String channel, String group) {
        lock.lock();
        try {
            Topic t = channels.get(channel);
            ConsumerGroup g = t == null ? null : t.groups.get(group);
            return g == null ? 0 : g.unacknowledged();
        } finally {
            lock.unlock();
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + (value == null ? "null" : "\"\"") + " (expected: a non-empty string)");
        }
    }

    /** One channel: its groups, and what was sent before any group existed. Guarded by the broker's lock. */
    private final class Topic {
        final String name;
        final Map<String, ConsumerGroup> groups = new HashMap<>();
        final List<Entry> backlog = new ArrayList<>();
        long roundRobin;

        Topic(String name) {
            this.name = name;
        }

        void add(Message message, long seq) {
            if (groups.isEmpty()) {
                backlog.add(new Entry(message, seq));
                return;
            }
            int p = partition(message);
            for (ConsumerGroup g : groups.values()) {
                g.partition(p).enqueue(new Entry(message, seq));
            }
        }

        ConsumerGroup group(String group) {
            ConsumerGroup g = groups.get(group);
            if (g == null) {
                g = new ConsumerGroup(InMemoryBroker.this, name, group, partitions);
                groups.put(group, g);
                for (Entry e : backlog) {
                    g.partition(partition(e.message)).enqueue(e);
                }
                backlog.clear();
                g.start();
            }
            return g;
        }

        private int partition(Message m) {
            // Without a key there is no order to keep: spread the messages over every partition.
            return m.partitionKey().map(k -> Math.floorMod(k.hashCode(), partitions))
                    .orElseGet(() -> (int) (roundRobin++ % partitions));
        }
    }

    /** Builds an {@link InMemoryBroker}; not thread-safe. */
    public static final class Builder {
        private int partitions = 8;
        private int maxUnackedPerPartition = 1024;

        private Builder() {
        }

        /** Partitions per channel (default 8): how many consumers of a group can work at once. */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions: " + partitions + " (expected: > 0)");
            }
            this.partitions = partitions;
            return this;
        }

        /**
         * Messages of one partition handed to a consumer and not yet acknowledged (default
         * 1024): past this, the partition waits for acknowledgements.
         */
        public Builder maxUnackedPerPartition(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxUnackedPerPartition: " + max + " (expected: > 0)");
            }
            this.maxUnackedPerPartition = max;
            return this;
        }

        /** The broker. */
        public InMemoryBroker build() {
            return new InMemoryBroker(this);
        }
    }
}
