package io.courier.outbox.tailing;

import io.courier.messaging.spi.MessageBroker;
import io.courier.outbox.Outbox;
import io.courier.outbox.internal.tailing.Slots;
import io.courier.outbox.internal.tailing.TailConfig;
import io.courier.outbox.internal.tailing.TailLoop;
import io.courier.outbox.internal.tailing.TailStats;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The outbox relay that tails PostgreSQL's write-ahead log: it reads the rows inserted into
 * the outbox table through logical replication ({@code pgoutput}) from a replication slot,
 * sends each to the broker in commit order, deletes the rows the broker confirmed, and only
 * then confirms their commit to the slot, so after a crash it resumes from the last confirmed
 * commit (at least once; the inbox makes handling once). No polling: a commit reaches the
 * broker within milliseconds.
 *
 * <p>A slot has one reader at a time. Several instances may run with the same slot: the first
 * reads, the others stand by, trying again every {@link Builder#standbyRetry standbyRetry},
 * and one of them takes over when the reader's connection ends. The relay checks the slot's
 * lag every {@link Builder#lagCheckEvery lagCheckEvery} and logs a warning past
 * {@link Builder#lagWarningBytes lagWarningBytes}; a relay retired for good must
 * {@linkplain #dropSlot drop its slot}, or the server keeps WAL for it forever.
 *
 * <p>A row it cannot read (malformed headers, a null column) and a message the broker refuses
 * for good ({@link io.courier.InvalidArgumentException} or {@link IllegalArgumentException}) are
 * set aside as the polling relay sets them aside: moved, whole and with the reason, into the
 * table {@code <table>_parked} ({@code <prefix>outbox_parked}, which {@link io.courier.outbox.OutboxSchema}
 * creates), logged once at ERROR and counted by {@link #parked()}; the stream goes on past them,
 * and their commit is confirmed once they are moved, so a restart does not meet them again.
 *
 * <p>Needs {@code wal_level = logical} on the server, a user with the {@code REPLICATION}
 * attribute (or a superuser), the table of rows set aside ({@code <table>_parked}), and the
 * PostgreSQL JDBC driver on the class path. Creates the
 * publication (inserts into the outbox table only) and the slot when they are missing; rows
 * already in the table when it creates the slot are published once, from the slot's snapshot.
 *
 * <pre>{@code
 * try (LogTailingRelay relay = LogTailingRelay.builder()
 *         .jdbcUrl("jdbc:postgresql://db:5432/orders").property("user", "relay")
 *         .broker(kafka).slot("orders_outbox").build()) {
 *     relay.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops reading, waits up to {@link Builder#drainTimeout
 * drainTimeout} for the broker to confirm what was sent, confirms it and ends its threads and
 * connections.
 */
public final class LogTailingRelay implements AutoCloseable {
    private final TailConfig config;
    private final TailStats stats = new TailStats();
    private final TailLoop loop;

    private LogTailingRelay(TailConfig config) {
        this.config = config;
        this.loop = new TailLoop(config, stats);
    }

    /** A builder; {@link Builder#jdbcUrl jdbcUrl} and {@link Builder#broker broker} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks the server (wal_level) and starts reading, or standing by, on a thread of its own;
     * returns at once.
     *
     * @throws io.courier.FailedPreconditionException when the server's {@code wal_level} is not
     *         {@code logical}, or when the table of rows set aside ({@code <table>_parked}) is
     *         missing (a table made by an older migration script): the message names the script
     * @throws io.courier.UnavailableException when the server cannot be reached
     * @throws IllegalStateException when started twice or after close
     */
    public LogTailingRelay start() {
        loop.start();
        return this;
    }

    /** Whether this instance reads the slot now (false while it stands by or reconnects). */
    public boolean isActive() {
        return stats.isActive();
    }

    /** Messages this instance sent that the broker confirmed. */
    public long publishedCount() {
        return stats.publishedCount();
    }

    /**
     * Rows set aside since start into the table {@code <table>_parked} ({@code <prefix>outbox_parked}):
     * rows it cannot read, and messages the broker refused for good. Each is logged once at ERROR.
     */
    public long parked() {
        return stats.parked();
    }

    /**
     * The most bytes of rows this instance had sent and not yet seen confirmed at once: at most
     * {@link Builder#maxInFlightBytes}, or one row larger than that, sent alone. Package-private:
     * the tests' view of the bound.
     */
    long largestInFlightBytes() {
        return stats.largestInFlightBytes();
    }

    /** The slot's lag in bytes of WAL at the last check, -1 before the first. */
    public long slotLagBytes() {
        return stats.lagBytes();
    }

    /** From the commit of the last transaction with outbox rows to the broker's confirmation of all of them; null before any. */
    public Duration lastRelayLatency() {
        long micros = stats.relayMicros();
        return micros < 0 ? null : Duration.ofNanos(micros * 1000);
    }

    /** The slot's name. */
    public String slot() {
        return config.slot();
    }

    @Override
    public void close() {
        loop.close();
    }

    /**
     * Drops replication slot {@code slot}, for a relay retired for good: while the slot exists
     * the server keeps every WAL segment from its confirmed position. Returns whether it existed.
     * The same as {@code SELECT pg_drop_replication_slot('slot')}; fails while a relay reads it.
     */
    public static boolean dropSlot(String jdbcUrl, Properties properties, String slot) {
        requireName(slot, "slot", SLOT);
        try (Connection c = DriverManager.getConnection(jdbcUrl, properties)) {
            return Slots.drop(c, slot);
        } catch (SQLException e) {
            throw new io.courier.UnavailableException("dropping replication slot " + slot + ": " + e.getMessage());
        }
    }

    private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern TABLE = Pattern.compile("([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,62}");

    private static String requireName(String value, String name, Pattern pattern) {
        Objects.requireNonNull(value, name);
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(name + ": \"" + value + "\" (expected: " + pattern.pattern()
                    + ", lower case as PostgreSQL folds unquoted names)");
        }
        return value;
    }

    /** Builds a {@link LogTailingRelay}; not thread-safe. */
    public static final class Builder {
        private String jdbcUrl;
        private final Properties properties = new Properties();
        private MessageBroker broker;
        private String table = "courier_outbox";
        private String slot = "courier_outbox_relay";
        private String publication = "courier_outbox_publication";
        private int maxInFlight = 10_000;
        private long maxInFlightBytes = 4L * 1024 * 1024;
        private int deleteBatch = 5_000;
        private Duration standbyRetry = Duration.ofSeconds(1);
        private Duration statusInterval = Duration.ofSeconds(1);
        private long lagWarningBytes = 256L * 1024 * 1024;
        private Duration lagCheckEvery = Duration.ofSeconds(10);
        private Duration drainTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /** The database, e.g. {@code jdbc:postgresql://127.0.0.1:5432/orders}; required. */
        public Builder jdbcUrl(String jdbcUrl) {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("jdbcUrl: " + jdbcUrl + " (expected: jdbc:postgresql://...)");
            }
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        /** A JDBC connection property ({@code user}, {@code password}, {@code ssl}, ...). */
        public Builder property(String name, String value) {
            properties.setProperty(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Where the rows are sent; required. Its sends must keep their order per partition key (Kafka's and RabbitMQ's adapters do). */
        public Builder broker(MessageBroker broker) {
            this.broker = Objects.requireNonNull(broker, "broker");
            return this;
        }

        /** Reads the table of {@code outbox} ({@link Outbox#table()}). */
        public Builder outbox(Outbox outbox) {
            return table(Objects.requireNonNull(outbox, "outbox").table().toLowerCase(java.util.Locale.ROOT));
        }

        /** The outbox table, optionally schema-qualified; {@code courier_outbox} by default. */
        public Builder table(String table) {
            this.table = requireName(table, "table", TABLE);
            return this;
        }

        /** The replication slot; {@code courier_outbox_relay} by default. One per outbox table, shared by its relay instances. */
        public Builder slot(String slot) {
            this.slot = requireName(slot, "slot", SLOT);
            return this;
        }

        /** The publication of the table's inserts; {@code courier_outbox_publication} by default. */
        public Builder publication(String publication) {
            this.publication = requireName(publication, "publication", IDENTIFIER);
            return this;
        }

        /** How many rows may be sent and not yet confirmed by the broker; 10,000 by default. */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = positive(maxInFlight, "maxInFlight");
            return this;
        }

        /**
         * How many bytes of rows may be sent and not yet confirmed by the broker; 4 MiB by default:
         * the payloads, and the UTF-8 of the headers, message ids, channels and keys. While that
         * much awaits the broker, the relay stops reading the replication stream (the server holds
         * the rest), so a run of large payloads does not pile up in the heap. A row larger than the
         * bound is sent alone, once everything before it is confirmed; never skipped.
         */
        public Builder maxInFlightBytes(long maxInFlightBytes) {
            if (maxInFlightBytes <= 0) {
                throw new IllegalArgumentException("maxInFlightBytes: " + maxInFlightBytes + " (expected: > 0)");
            }
            this.maxInFlightBytes = maxInFlightBytes;
            return this;
        }

        /** At most this many rows per DELETE of published rows; 5,000 by default. */
        public Builder deleteBatch(int deleteBatch) {
            this.deleteBatch = positive(deleteBatch, "deleteBatch");
            return this;
        }

        /** How often a standby (or a relay that lost its connection) tries to read the slot; 1 s by default. */
        public Builder standbyRetry(Duration standbyRetry) {
            this.standbyRetry = positive(standbyRetry, "standbyRetry");
            return this;
        }

        /** The longest time between two status updates to the server; 1 s by default. */
        public Builder statusInterval(Duration statusInterval) {
            this.statusInterval = positive(statusInterval, "statusInterval");
            return this;
        }

        /** The slot lag past which a warning is logged; 256 MiB by default. */
        public Builder lagWarningBytes(long lagWarningBytes) {
            if (lagWarningBytes < 0) {
                throw new IllegalArgumentException("lagWarningBytes: " + lagWarningBytes + " (expected: >= 0)");
            }
            this.lagWarningBytes = lagWarningBytes;
            return this;
        }

        /** How often the slot's lag is checked; 10 s by default. */
        public Builder lagCheckEvery(Duration lagCheckEvery) {
            this.lagCheckEvery = positive(lagCheckEvery, "lagCheckEvery");
            return this;
        }

        /** How long {@link #close()} waits for the broker to confirm what was sent; 5 s by default. */
        public Builder drainTimeout(Duration drainTimeout) {
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            if (drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout: " + drainTimeout + " (expected: >= 0)");
            }
            this.drainTimeout = drainTimeout;
            return this;
        }

        /**
         * The relay, not started.
         *
         * @throws IllegalStateException when the JDBC URL or the broker is missing
         */
        public LogTailingRelay build() {
            if (jdbcUrl == null) {
                throw new IllegalStateException("jdbcUrl: not set (expected: jdbc:postgresql://host:port/database)");
            }
            if (broker == null) {
                throw new IllegalStateException("broker: not set (expected: the MessageBroker to publish to)");
            }
            Properties copy = new Properties();
            copy.putAll(properties);
            return new LogTailingRelay(new TailConfig(jdbcUrl, copy, broker, table, slot, publication, maxInFlight,
                    maxInFlightBytes, deleteBatch, standbyRetry, statusInterval, lagWarningBytes, lagCheckEvery, drainTimeout));
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
            return value;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
            return value;
        }
    }
}
