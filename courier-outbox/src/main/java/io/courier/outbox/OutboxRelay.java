package io.courier.outbox;

import io.courier.Ticker;
import io.courier.messaging.spi.MessageBroker;
import io.courier.outbox.internal.RelayWorker;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The polling relay: publishes the outbox's committed rows to the real broker and removes them
 * once the broker has confirmed each one. It works on any database the outbox supports, by
 * polling with an adaptive interval: again at once after a full batch (its row or byte bound
 * left rows for the next poll), the shortest interval after the start of the poll before after
 * a partial one (at once when sending it took longer), twice as long after each empty poll up to the longest. When the broker's confirmations of a
 * partial batch take longer than the shortest interval, the next poll is made while waiting for
 * them, and its rows are sent once that batch is confirmed and removed. Each poll and each
 * removal is one statement in a transaction of its own (one round trip each).
 *
 * <pre>{@code
 * try (OutboxRelay relay = outbox.relay(kafka).maxPollInterval(Duration.ofMillis(500)).start()) {
 *     ...                                   // committed rows reach Kafka
 * }
 * }</pre>
 *
 * <h2>Order, gaps and several relays</h2>
 * Rows are spread over the outbox's partitions by key; a relay publishes only the partitions
 * whose lock it holds (a session lock of the database: {@code pg_try_advisory_lock} on
 * PostgreSQL, {@code GET_LOCK} on MariaDB), so each partition has one active relay at a time and
 * the others stand by; a relay that dies loses its session, and with it its locks, to the next
 * claim of another. It reads the oldest unpublished rows of its partitions in id order, sends
 * them in that order, and deletes (or marks) each after the broker confirmed it. Since it never
 * remembers a position but asks each time for every row still there, a row whose transaction
 * commits after a row with a higher id (a sequence gap, commit-order skew) is published when it
 * becomes visible: never skipped. A relay killed between the broker's confirmation and the
 * delete sends those rows again after a restart: delivery is at least once, and an
 * {@link Inbox} makes the consumer's handling effectively once.
 *
 * <h2>Rows set aside</h2>
 * A row the relay cannot read (malformed headers, a null column) and a message the broker
 * refuses for good ({@link io.courier.InvalidArgumentException} or
 * {@link IllegalArgumentException}: too large, an illegal channel) are moved, whole and with the
 * reason, into the table {@code <prefix>outbox_parked}, logged once at ERROR and counted by
 * {@link #parked()}; the rows after them are published as usual. Nothing there is sent again
 * until it is moved back by hand.
 *
 * <p>Thread-safe: one thread of its own, started by {@link #start()}, ended by {@link #close()}.
 */
public final class OutboxRelay implements AutoCloseable {
    private final RelayWorker worker;
    private final Outbox outbox;

    private OutboxRelay(Builder b) {
        this.outbox = b.outbox;
        this.worker = new RelayWorker(b.outbox, b.broker, b.name, b.batchSize, b.maxBatchBytes, b.minPollInterval,
                b.maxPollInterval, b.claimInterval, b.publishTimeout, b.maxPartitions, b.keepPublishedFor, b.ticker);
    }

    /** Starts publishing; returns this relay. */
    public OutboxRelay start() {
        worker.start();
        outbox.started(this);
        return this;
    }

    /**
     * Polls now instead of at the end of the current interval: for a commit this relay cannot
     * see otherwise ({@link Outbox#transaction} wakes the relays of its outbox itself).
     */
    public void wakeUp() {
        worker.wakeUp();
    }

    /** Rows published (confirmed by the broker and removed or marked) since start. */
    public long published() {
        return worker.published();
    }

    /**
     * Rows set aside since start into the table {@code <prefix>outbox_parked}: rows it cannot
     * read, and messages the broker refused for good. Each is logged once at ERROR.
     */
    public long parked() {
        return worker.parked();
    }

    /**
     * The most bytes of rows the relay has held at once since start (its batch, and the rows it
     * read ahead while the batch awaited the broker): at most {@link Builder#maxBatchBytes}, or one
     * row larger than that, sent alone. Package-private: the tests' view of the bound.
     */
    long largestBatchBytes() {
        return worker.largestBatchBytes();
    }

    /** How many times the relay has read the outbox table since start. */
    public long polls() {
        return worker.polls();
    }

    /**
     * The time from writing to the broker's confirmation of the last row published, or
     * {@link Duration#ZERO} before the first.
     */
    public Duration lastLatency() {
        return Duration.ofMillis(worker.lastLatencyMillis());
    }

    /** The partitions this relay holds now. */
    public Set<Integer> partitionsHeld() {
        return worker.held();
    }

    /** How many rows of the outbox wait to be published (all partitions, counted now). */
    public long backlog() {
        return worker.backlog();
    }

    /**
     * Stops polling, waits for the batch in flight (at most the publish timeout), and closes the
     * relay's connection, which releases its partitions. Rows sent but not yet removed are sent
     * again by the next relay. Closing twice does nothing.
     */
    @Override
    public void close() {
        outbox.stopped(this);
        worker.close();
    }

    /** Options of one relay; not thread-safe. */
    public static final class Builder {
        private final Outbox outbox;
        private final MessageBroker broker;
        private String name = "courier-outbox-relay";
        private int batchSize = 500;
        private long maxBatchBytes = 4L * 1024 * 1024;
        private Duration minPollInterval = Duration.ofMillis(10);
        private Duration maxPollInterval = Duration.ofSeconds(1);
        private Duration claimInterval = Duration.ofSeconds(1);
        private Duration publishTimeout = Duration.ofSeconds(30);
        private int maxPartitions = Integer.MAX_VALUE;
        private Duration keepPublishedFor;
        private Ticker ticker = Ticker.system();

        Builder(Outbox outbox, MessageBroker broker) {
            this.outbox = outbox;
            this.broker = broker;
        }

        /** The name of the relay's thread and of its log lines (default {@code courier-outbox-relay}). */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name: \"\" (expected: a non-empty string)");
            }
            this.name = name;
            return this;
        }

        /** The most rows read, sent and removed in one round (default 500). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: 1 to 10000)");
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * The most bytes of rows read, sent and removed in one round (default 4 MiB): the
         * payloads, and the UTF-8 of the headers, message ids, channels and keys, as stored. A
         * poll reads the oldest rows while their total stays within it (the database stops there;
         * the rest comes with the next poll, at once), so a table of large payloads does not load
         * {@code batchSize} of them into the heap. A row larger than the bound is read and sent
         * alone, never skipped; rows keep their order.
         */
        public Builder maxBatchBytes(long maxBatchBytes) {
            if (maxBatchBytes < 1) {
                throw new IllegalArgumentException("maxBatchBytes: " + maxBatchBytes + " (expected: > 0)");
            }
            this.maxBatchBytes = maxBatchBytes;
            return this;
        }

        /**
         * The interval from the start of a poll that found rows to the next poll (less when
         * sending them took longer: then at once), and the first wait after an empty poll
         * (default 10 ms): with rows coming steadily, a row waits about half of it to be read.
         */
        public Builder minPollInterval(Duration interval) {
            this.minPollInterval = positive("minPollInterval", interval);
            return this;
        }

        /** The longest interval between polls of an idle outbox (default 1 s). */
        public Builder maxPollInterval(Duration interval) {
            this.maxPollInterval = positive("maxPollInterval", interval);
            return this;
        }

        /**
         * How often the relay tries to take partitions no relay holds (default 1 s): how soon a
         * standby relay takes over from one that died, once the database has ended its session.
         */
        public Builder claimInterval(Duration interval) {
            this.claimInterval = positive("claimInterval", interval);
            return this;
        }

        /** How long a batch waits for the broker's confirmations before it counts as failed (default 30 s). */
        public Builder publishTimeout(Duration timeout) {
            this.publishTimeout = positive("publishTimeout", timeout);
            return this;
        }

        /** The most partitions this relay holds at once (default all): less lets several relays share the work. */
        public Builder maxPartitions(int maxPartitions) {
            if (maxPartitions < 1) {
                throw new IllegalArgumentException("maxPartitions: " + maxPartitions + " (expected: > 0)");
            }
            this.maxPartitions = maxPartitions;
            return this;
        }

        /**
         * Keeps published rows, marked with their publishing time, for {@code window} before
         * deleting them (for audit or replay by hand); without it (the default), a row is deleted
         * as soon as the broker confirmed it. The relay deletes expired rows in bounded chunks at
         * each claim interval.
         */
        public Builder keepPublishedFor(Duration window) {
            this.keepPublishedFor = positive("keepPublishedFor", window);
            return this;
        }

        /** The ticker of the published messages' deadlines (default the system's). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * The relay, not started.
         *
         * @throws IllegalArgumentException when the shortest poll interval exceeds the longest
         */
        public OutboxRelay build() {
            if (minPollInterval.compareTo(maxPollInterval) > 0) {
                throw new IllegalArgumentException("minPollInterval: " + minPollInterval
                        + " (expected: <= maxPollInterval " + maxPollInterval + ")");
            }
            return new OutboxRelay(this);
        }

        /** Builds the relay and starts it. */
        public OutboxRelay start() {
            return build().start();
        }
    }

    static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }
}
