package io.courier.outbox;

import io.courier.UnavailableException;
import io.courier.messaging.Message;
import io.courier.messaging.spi.MessageBroker;
import io.courier.outbox.internal.Bound;
import io.courier.outbox.internal.OutboxBroker;
import io.courier.outbox.internal.Statements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The transactional outbox: messages written to a table in the same JDBC transaction as the
 * business change, so that either both happen or neither does; an {@link OutboxRelay} then
 * publishes them to the real broker. It works with the {@link DataSource} and connections the
 * application already uses (PostgreSQL and MariaDB; see {@link Dialect}).
 *
 * <pre>{@code
 * Outbox outbox = Outbox.builder().dataSource(dataSource).build();
 * OutboxSchema.create(dataSource);                        // or run the migration script yourself
 * Messaging messaging = Messaging.builder().broker(outbox.broker(kafka)).codec(json).build();
 *
 * outbox.transaction(connection -> {                      // one transaction for both
 *     insertOrder(connection, order);
 *     messaging.publish(new OrderCreated(order.id()), order.id());   // a row, not a send
 *     return null;
 * });
 * try (OutboxRelay relay = outbox.relay(kafka).start()) { ... }   // publishes committed rows
 * }</pre>
 *
 * <p>{@link #broker(MessageBroker)} is the seam: its {@code send} writes the message with the
 * connection of the transaction bound to the current thread ({@link #transaction},
 * {@link #inTransaction}, or an {@link Inbox} handler), and its {@code subscribe} is the real
 * broker's. A send with no transaction bound fails with {@link IllegalStateException}, unless
 * {@link Builder#sendWithoutTransaction(boolean)} lets it go to the real broker directly.
 *
 * <p>Thread-safe; its configuration is immutable.
 */
public final class Outbox {
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,40}");

    private final DataSource dataSource;
    private final String tablePrefix;
    private final int partitions;
    private final Clock clock;
    private final boolean sendWithoutTransaction;
    private final Dialect configuredDialect;
    private volatile Statements statements;
    /** The relays of this outbox running in this JVM: woken up after each commit of {@link #transaction}. */
    private final Set<OutboxRelay> relays = ConcurrentHashMap.newKeySet();

    private Outbox(Builder b) {
        this.dataSource = b.dataSource;
        this.tablePrefix = b.tablePrefix;
        this.partitions = b.partitions;
        this.clock = b.clock;
        this.sendWithoutTransaction = b.sendWithoutTransaction;
        this.configuredDialect = b.dialect;
        if (b.dialect != null) {
            this.statements = new Statements(b.dialect, b.tablePrefix);
        }
    }

    /** A builder; a data source is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A broker whose {@code send} writes the message to the outbox in the transaction bound to
     * the calling thread, and whose {@code subscribe} is {@code real}'s. Closing it closes
     * nothing: {@code real} belongs to the caller.
     */
    public MessageBroker broker(MessageBroker real) {
        return new OutboxBroker(this, Objects.requireNonNull(real, "real"), sendWithoutTransaction,
                (c, m) -> insert(c, m, false));
    }

    /**
     * A builder for the relay that publishes this outbox's committed rows to {@code broker}.
     * Several relays (in this process or others) may run on one outbox: each partition is
     * published by one relay at a time.
     */
    public OutboxRelay.Builder relay(MessageBroker broker) {
        return new OutboxRelay.Builder(this, Objects.requireNonNull(broker, "broker"));
    }

    /**
     * Runs {@code work} in a new transaction on a connection of the data source, with the
     * connection bound so that sends through {@link #broker} write to the outbox in it; commits
     * when {@code work} returns, rolls back when it throws. After the commit, the relays of this
     * outbox running in this JVM poll at once instead of at the end of their interval.
     *
     * @throws UnavailableException when the database fails (the transaction is rolled back)
     */
    public <T> T transaction(TransactionWork<T> work) {
        Objects.requireNonNull(work, "work");
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = Bound.with(c, () -> work.run(c));
                c.commit();
                for (OutboxRelay relay : relays) {
                    relay.wakeUp(); // its rows are there now: no need to wait for the next poll
                }
                return result;
            } catch (Throwable t) {
                rollback(c, t);
                throw t;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new UnavailableException("outbox transaction failed and was rolled back: " + e.getMessage(),
                    Map.of(), true, e);
        }
    }

    /**
     * Runs {@code work} with {@code connection} bound, so that sends through {@link #broker}
     * write to the outbox with it: for code that manages its own transaction (the connection
     * should not be in auto-commit mode, or each message commits on its own).
     */
    public void inTransaction(Connection connection, Runnable work) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(work, "work");
        Bound.with(connection, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Writes {@code message} to the outbox with {@code connection}, in whatever transaction
     * it is in; returns the row's id.
     *
     * @throws UnavailableException when the database fails
     */
    public long write(Connection connection, Message message) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(message, "message");
        return insert(connection, message, true);
    }

    /** Inserts the row; its id when {@code withId}, else 0 (no generated keys asked, nor returned). */
    private long insert(Connection connection, Message message, boolean withId) {
        OutboxRow row = OutboxRow.of(message, partitions, clock);
        try {
            Statements sql = statements(connection);
            // The id column by name: PostgreSQL's driver would otherwise return every column, payload included.
            try (PreparedStatement ps = withId ? connection.prepareStatement(sql.insertOutbox(), new String[] {"id"})
                    : connection.prepareStatement(sql.insertOutbox())) {
                ps.setString(1, row.messageId());
                ps.setString(2, row.channel());
                ps.setString(3, row.partitionKey());
                ps.setInt(4, row.partition());
                ps.setString(5, row.headers());
                ps.setBytes(6, row.payload());
                ps.setLong(7, row.createdAt());
                ps.executeUpdate();
                if (!withId) {
                    return 0;
                }
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    return keys.next() ? keys.getLong(1) : 0;
                }
            }
        } catch (SQLException e) {
            throw new UnavailableException("writing " + message + " to the outbox table " + tablePrefix
                    + "outbox failed: " + e.getMessage(), Map.of(), false, e);
        }
    }

    /**
     * How many rows wait to be published, counted now (a query on a connection of the data
     * source).
     *
     * @throws UnavailableException when the database fails
     */
    public long backlog() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(statements(c).backlog());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new UnavailableException("counting the outbox backlog failed: " + e.getMessage(), Map.of(), true, e);
        }
    }

    /**
     * The partition of a partition key in an outbox of {@code partitions} partitions: the key's
     * {@link String#hashCode()} (which the Java specification fixes) modulo {@code partitions},
     * the same in every process.
     */
    public static int partitionOf(String key, int partitions) {
        return Math.floorMod(key.hashCode(), partitions);
    }

    /** The data source. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** The prefix of the table names ({@code courier_}: {@code courier_outbox}). */
    public String tablePrefix() {
        return tablePrefix;
    }

    /** The outbox table's name. */
    public String table() {
        return tablePrefix + "outbox";
    }

    /** The number of partitions rows are spread over (each relayed in order by one relay at a time). */
    public int partitions() {
        return partitions;
    }

    /** The configured SQL dialect; empty when it is detected from the database. */
    public Optional<Dialect> dialect() {
        return Optional.ofNullable(configuredDialect);
    }

    /** The clock of the rows' times. */
    public Clock clock() {
        return clock;
    }

    void started(OutboxRelay relay) {
        relays.add(relay);
    }

    void stopped(OutboxRelay relay) {
        relays.remove(relay);
    }

    /** The statements for {@code connection}'s database (the configured dialect, else the detected one). */
    Statements statements(Connection connection) throws SQLException {
        Statements s = statements;
        if (s == null) {
            s = new Statements(configuredDialect != null ? configuredDialect : Dialect.of(connection), tablePrefix);
            statements = s;
        }
        return s;
    }

    private static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Work done in one transaction, with its connection. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        /** Does the work; what it returns is the transaction's result. */
        T run(Connection connection) throws SQLException;
    }

    /** Builds an {@link Outbox}; not thread-safe. */
    public static final class Builder {
        private DataSource dataSource;
        private String tablePrefix = "courier_";
        private int partitions = 16;
        private Clock clock = Clock.systemUTC();
        private boolean sendWithoutTransaction;
        private Dialect dialect;

        private Builder() {
        }

        /** Where the outbox table is; required. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * The prefix of the table names (default {@code courier_}): letters, digits and
         * underscores, as given to {@link OutboxSchema#create(DataSource, String)}.
         */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = checkPrefix(tablePrefix);
            return this;
        }

        /**
         * How many partitions rows are spread over by key (default 16): each is published in
         * order by one relay at a time, so this bounds how many relays share the work. Every
         * writer and relay of one table must use the same number.
         */
        public Builder partitions(int partitions) {
            if (partitions < 1 || partitions > 1024) {
                throw new IllegalArgumentException("partitions: " + partitions + " (expected: 1 to 1024)");
            }
            this.partitions = partitions;
            return this;
        }

        /** The clock of the rows' times (default the system's, UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Whether a send through {@link Outbox#broker} with no transaction bound goes to the real
         * broker directly (true), or fails with {@link IllegalStateException} (false, the
         * default, so that a message meant for the outbox is never sent without it by mistake).
         */
        public Builder sendWithoutTransaction(boolean direct) {
            this.sendWithoutTransaction = direct;
            return this;
        }

        /** The SQL dialect (default: detected from the database on first use). */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * The outbox.
         *
         * @throws IllegalStateException when no data source was set
         */
        public Outbox build() {
            if (dataSource == null) {
                throw new IllegalStateException("dataSource: not set (expected: Outbox.builder().dataSource(...),"
                        + " the DataSource the application's transactions use)");
            }
            return new Outbox(this);
        }
    }

    static String checkPrefix(String prefix) {
        Objects.requireNonNull(prefix, "tablePrefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("tablePrefix: \"" + prefix
                    + "\" (expected: letters, digits and underscores, not starting with a digit, at most 41)");
        }
        return prefix;
    }
}
