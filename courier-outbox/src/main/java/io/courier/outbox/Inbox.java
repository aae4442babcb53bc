package io.courier.outbox;

import io.courier.UnavailableException;
import io.courier.messaging.MessageContext;
import io.courier.messaging.ProcessedMessages;
import io.courier.outbox.internal.Bound;
import io.courier.outbox.internal.Statements;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable inbox: the ids of the messages each consumer group has handled, in a table of
 * the application's database, recorded <em>in the same transaction as the handler's own
 * database work</em>. A message redelivered after a crash (of the consumer, the relay or the
 * broker) finds its id there and has no second effect; a handler that failed rolled back its
 * work and its id together, so the retry runs it again.
 *
 * <pre>{@code
 * Inbox inbox = Inbox.builder().dataSource(dataSource).retention(Duration.ofDays(7)).build();
 * messaging.subscribe(OrderCreated.class, "billing", inbox.handler((event, connection) -> {
 *     insertInvoice(connection, event);     // committed together with the inbox row, or not at all
 * }));
 * }</pre>
 *
 * <p>A handler made by {@link #handler} runs in a transaction that first inserts
 * (group, message id): if the row is there already, the message was handled and the handler is
 * skipped; if another consumer is handling the same message right now, the insert waits for its
 * transaction and then skips or goes ahead as that one committed or rolled back. The connection
 * is bound for an {@link Outbox} too, so the messages the handler publishes through an outbox's
 * broker are written in the same transaction (consume, change, publish: all or nothing).
 *
 * <p>It is also a {@link ProcessedMessages}, the store behind {@code Messaging}'s idempotent
 * consumer, for handlers that do no database work of their own (there the id is recorded after
 * the handler, in a transaction of its own, so a crash in between lets the handler run again).
 *
 * <p>Rows expire after the {@linkplain Builder#retention retention}, which must be longer than
 * the longest time a message can be redelivered after it was first handled (the broker's
 * redelivery horizon, replays of dead letters included). Thread-safe; {@link #close()} stops the
 * periodic purge, if any.
 */
public final class Inbox implements ProcessedMessages, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Inbox.class);
    private static final int PURGE_CHUNK = 1_000;

    private final DataSource dataSource;
    private final String tablePrefix;
    private final Duration retention;
    private final Clock clock;
    private final Dialect configuredDialect;
    private final ScheduledThreadPoolExecutor purger;
    private volatile Statements statements;

    private Inbox(Builder b) {
        this.dataSource = b.dataSource;
        this.tablePrefix = b.tablePrefix;
        this.retention = b.retention;
        this.clock = b.clock;
        this.configuredDialect = b.dialect;
        if (b.purgeInterval != null) {
            purger = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon()
                    .name("courier-inbox-purge-" + b.tablePrefix + "inbox").factory());
            long every = b.purgeInterval.toMillis();
            purger.scheduleWithFixedDelay(this::purgeQuietly, every, every, TimeUnit.MILLISECONDS);
        } else {
            purger = null;
        }
    }

    /** A builder; a data source is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A handler for {@code Messaging.subscribe} (or any consumer running inside a
     * {@code Messaging} handler) that runs {@code handler} effectively once per message and
     * group: in a transaction with the inbox row, skipped when the row exists.
     *
     * @throws IllegalStateException (when called) outside a {@code Messaging} handler, where no
     *         message id is known
     */
    public <E> Consumer<E> handler(Handler<? super E> handler) {
        Objects.requireNonNull(handler, "handler");
        return event -> {
            MessageContext ctx = MessageContext.current().orElseThrow(() -> new IllegalStateException(
                    "no message being handled on this thread (expected: the inbox handler given to"
                            + " Messaging.subscribe, respond or handle; elsewhere call Inbox.handleOnce)"));
            handleOnce(ctx.group(), ctx.message().id(), connection -> handler.handle(event, connection));
        };
    }

    /**
     * Runs {@code work} in a new transaction that first records ({@code group},
     * {@code messageId}); commits both, or rolls both back when {@code work} throws. Returns
     * false, without running {@code work}, when the group has handled the message already.
     *
     * @throws UnavailableException when the database fails (nothing was committed; retry-safe)
     * @throws IllegalArgumentException before any SQL, when the table cannot hold {@code group}
     *         (longer than its column, empty, with a NUL or a lone surrogate); a message id is
     *         never refused (one the column cannot hold is kept as its digest)
     */
    public boolean handleOnce(String group, String messageId, Work work) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(work, "work");
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (!record(c, group, messageId)) {
                    c.rollback();
                    return false;
                }
                Bound.with(c, () -> {
                    work.run(c);
                    return null;
                });
                c.commit();
                return true;
            } catch (Throwable t) {
                try {
                    c.rollback();
                } catch (SQLException e) {
                    t.addSuppressed(e);
                }
                throw t;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new UnavailableException("handling message " + shown(messageId) + " for group " + group
                    + " in a transaction with the inbox failed and was rolled back: " + e.getMessage(), Map.of(),
                    true, e);
        }
    }

    /**
     * Whether {@code group} has recorded {@code messageId}.
     *
     * @throws IllegalArgumentException when the table cannot hold {@code group}, as {@link #handleOnce} says
     */
    @Override
    public boolean contains(String group, String messageId) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(messageId, "messageId");
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(statements(c).containsInbox())) {
            checkGroup(group, statements(c).dialect);
            ps.setString(1, group);
            ps.setString(2, stored(messageId, statements(c).dialect));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw unavailable("reading", e);
        }
    }

    /**
     * Records that {@code group} handled {@code messageId}, in a transaction of its own; nothing if it is there.
     *
     * @throws IllegalArgumentException when the table cannot hold {@code group}, as {@link #handleOnce} says
     */
    @Override
    public void add(String group, String messageId) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(messageId, "messageId");
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(true);
            try {
                record(c, group, messageId);
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw unavailable("writing", e);
        }
    }

    /**
     * Deletes the rows older than the retention, in chunks of {@value #PURGE_CHUNK} (each its
     * own transaction, so no lock is held long); returns how many.
     *
     * @throws UnavailableException when the database fails
     */
    public long purge() {
        long before = clock.millis() - retention.toMillis();
        long total = 0;
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement(statements(c).purgeInbox())) {
                int n;
                do {
                    ps.setLong(1, before);
                    ps.setInt(2, PURGE_CHUNK);
                    n = ps.executeUpdate();
                    total += n;
                } while (n == PURGE_CHUNK);
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw unavailable("purging", e);
        }
        return total;
    }

    /** How many rows the inbox table holds, counted now. */
    public long size() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(statements(c).countInbox());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw unavailable("counting", e);
        }
    }

    /** How long a row is kept. */
    public Duration retention() {
        return retention;
    }

    /** Stops the periodic purge, if one was configured. */
    @Override
    public void close() {
        if (purger != null) {
            purger.shutdownNow();
        }
    }

    /**
     * {@code messageId} as its row holds it: itself when the column can hold it as it is (191
     * characters on MariaDB, the key's limit there; 255 elsewhere), else {@code sha256:} and the
     * hex of the SHA-256 of its UTF-8 form, or {@code sha256-utf16:} and that of its UTF-16
     * chars when it has a lone surrogate. An id is whatever the message's producer wrote, and one
     * the column cannot hold would fail the insert on every attempt (too long, or a NUL, which
     * PostgreSQL refuses in text), or be stored as another id (a driver writes a lone surrogate
     * as {@code ?}); its digest deduplicates it as well.
     */
    static String stored(String messageId, Dialect dialect) {
        int max = maxChars(dialect);
        boolean loneSurrogate = hasLoneSurrogate(messageId);
        if (!loneSurrogate && messageId.indexOf('\u0000') < 0 && (messageId.length() <= max
                || messageId.codePointCount(0, messageId.length()) <= max)) {
            return messageId;
        }
        if (!loneSurrogate) {
            return "sha256:" + sha256(messageId.getBytes(StandardCharsets.UTF_8));
        }
        byte[] utf16 = new byte[messageId.length() * 2]; // by hand: an encoder would replace the lone surrogate
        for (int i = 0; i < messageId.length(); i++) {
            char ch = messageId.charAt(i);
            utf16[2 * i] = (byte) (ch >> 8);
            utf16[2 * i + 1] = (byte) ch;
        }
        return "sha256-utf16:" + sha256(utf16);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every JVM has it
        }
    }

    /** The most characters the inbox's key columns hold: MariaDB's key limit keeps them to 191 there. */
    private static int maxChars(Dialect dialect) {
        return dialect == Dialect.MARIADB ? 191 : 255;
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks {@code group}, the application's own name for a consumer group, before any SQL: one
     * the column cannot hold is a mistake to name, not an id to digest (two groups cut or
     * digested alike would share their inbox rows).
     *
     * @throws IllegalArgumentException naming what is wrong and what was expected
     */
    private static void checkGroup(String group, Dialect dialect) {
        int max = maxChars(dialect);
        int chars = group.codePointCount(0, group.length());
        if (chars > max) {
            throw new IllegalArgumentException("group: " + chars + " characters (expected: at most " + max
                    + ", the inbox table's consumer_group column)");
        }
        if (group.isEmpty() || group.indexOf('\u0000') >= 0 || hasLoneSurrogate(group)) {
            StringBuilder shown = new StringBuilder();
            group.chars().forEach(ch -> shown.append(ch < 0x20 || Character.isSurrogate((char) ch)
                    ? String.format("\\u%04x", ch) : Character.toString(ch)));
            throw new IllegalArgumentException("group: \"" + shown + "\" (expected: "
                    + (group.isEmpty() ? "a non-empty name)" : "no NUL and no lone surrogate)"));
        }
    }

    /** Inserts the row unless present; true when it was new. */
    private boolean record(Connection c, String group, String messageId) throws SQLException {
        Statements sql = statements(c);
        checkGroup(group, sql.dialect);
        try (PreparedStatement ps = c.prepareStatement(sql.insertInbox())) {
            ps.setString(1, group);
            ps.setString(2, stored(messageId, sql.dialect));
            ps.setLong(3, clock.millis());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (sql.dialect == Dialect.MARIADB && e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false; // duplicate key: InnoDB rolled back this statement only
            }
            throw e;
        }
    }

    private static String shown(String messageId) {
        return messageId.length() <= 200 ? messageId : messageId.substring(0, 197) + "...";
    }

    private void purgeQuietly() {
        try {
            long n = purge();
            if (n > 0) {
                log.debug("{}inbox: purged {} rows older than {}", tablePrefix, n, retention);
            }
        } catch (RuntimeException e) {
            log.warn("{}inbox: purge failed, trying again at the next interval: {}", tablePrefix, e.toString());
        }
    }

    private Statements statements(Connection c) throws SQLException {
        Statements s = statements;
        if (s == null) {
            s = new Statements(configuredDialect != null ? configuredDialect : Dialect.of(c), tablePrefix);
            statements = s;
        }
        return s;
    }

    private UnavailableException unavailable(String what, SQLException e) {
        return new UnavailableException(what + " the inbox table " + tablePrefix + "inbox failed: " + e.getMessage(),
                Map.of(), true, e);
    }

    /** A message handler that does its database work with the inbox's transaction. */
    @FunctionalInterface
    public interface Handler<E> {
        /** Handles {@code event} with {@code connection}; do not commit, roll back or close it. */
        void handle(E event, Connection connection) throws SQLException;
    }

    /** Work done in the inbox's transaction. */
    @FunctionalInterface
    public interface Work {
        /** Does the work with {@code connection}; do not commit, roll back or close it. */
        void run(Connection connection) throws SQLException;
    }

    /** Builds an {@link Inbox}; not thread-safe. */
    public static final class Builder {
        private DataSource dataSource;
        private String tablePrefix = "courier_";
        private Duration retention = Duration.ofDays(7);
        private Duration purgeInterval;
        private Clock clock = Clock.systemUTC();
        private Dialect dialect;

        private Builder() {
        }

        /** Where the inbox table is: the database of the handlers' own work; required. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** The prefix of the table names (default {@code courier_}). */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = Outbox.checkPrefix(tablePrefix);
            return this;
        }

        /**
         * How long a handled message's id is kept (default 7 days): longer than the broker can
         * deliver a message again after it was handled, or a late duplicate runs twice.
         */
        public Builder retention(Duration retention) {
            this.retention = OutboxRelay.positive("retention", retention);
            return this;
        }

        /** Purges expired rows every {@code interval} on a thread of the inbox (default: only when {@link Inbox#purge()} is called). */
        public Builder purgeInterval(Duration interval) {
            this.purgeInterval = OutboxRelay.positive("purgeInterval", interval);
            return this;
        }

        /** The clock of the rows' times (default the system's, UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The SQL dialect (default: detected from the database on first use). */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * The inbox.
         *
         * @throws IllegalStateException when no data source was set
         */
        public Inbox build() {
            if (dataSource == null) {
                throw new IllegalStateException("dataSource: not set (expected: Inbox.builder().dataSource(...),"
                        + " the DataSource the handlers' own work uses)");
            }
            return new Inbox(this);
        }
    }
}
