package io.courier.outbox.internal.tailing;

import io.courier.InvalidArgumentException;
import io.courier.UnavailableException;
import io.courier.messaging.Message;
import io.courier.outbox.Dialect;
import io.courier.outbox.internal.Parking;
import io.courier.outbox.internal.RowBytes;
import io.courier.outbox.internal.Statements;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reading of the slot, from connecting to an error or to the relay's close: starts the
 * stream at the slot's confirmed position, decodes each transaction, sends its rows to the
 * broker in commit order without waiting for each (at most {@code maxInFlight} unconfirmed),
 * and confirms a commit's end LSN to the server only once the broker confirmed every row of
 * it and of every earlier commit, and the rows are deleted. Anything not confirmed when the
 * session ends is read again by the next session (this instance's or a standby's): at least
 * once, in commit order.
 *
 * <p>A row it cannot read, or whose message the broker refuses for good, is not sent (or not
 * counted as sent) but kept with its transaction and set aside by the {@link RowDeleter} when
 * that commit is settled: the stream goes on past it, and the commit is confirmed once the row
 * is in the parked table. The WAL holds the row as it was inserted; the table, by the time the
 * relay sets it aside, may hold it not yet visible (the deleter waits for its transaction, as
 * for a delete), changed by hand (the table's row is what is moved), or no longer (parked by a
 * session that died before confirming, deleted by hand, or marked published by another relay):
 * such a row is skipped, with a line at WARN, not parked twice.
 *
 * <p>The stream is read with {@code readPending()} and one thread: PgJDBC's stream is not
 * thread-safe, so broker callbacks only count down and wake this thread, which alone writes
 * status updates.
 */
final class TailSession {
    private static final Logger log = LoggerFactory.getLogger(TailSession.class);
    /** How long the reader parks when nothing arrives: the floor of the relay's latency when idle. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Status updates are sent at most this often while busy (the server needs no more). */
    private static final long STATUS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    /** SQLSTATE object_in_use: the slot is active for another connection. */
    private static final String OBJECT_IN_USE = "55006";

    /**
     * A decoded transaction: rows sent but not all confirmed until {@code pending} is 0, and the
     * rows to set aside (unreadable ones, added by the reader; refused ones, added by a broker
     * callback before it counts {@code pending} down, so complete once it is 0).
     */
    private static final class Txn {
        final AtomicInteger pending = new AtomicInteger();
        long[] ids = new long[4];
        int count;
        int xid;
        long endLsn;
        long commitMicros;
        boolean committed;

        private List<Parking.Row> parks = List.of();

        void add(long id) {
            if (count == ids.length) {
                ids = java.util.Arrays.copyOf(ids, count * 2);
            }
            ids[count++] = id;
        }

        synchronized void park(long id, String reason) {
            if (parks.isEmpty()) {
                parks = new ArrayList<>();
            }
            parks.add(new Parking.Row(id, reason));
        }

        synchronized List<Parking.Row> parks() {
            return parks;
        }

        /** The ids of the rows sent and confirmed: those sent less those refused for good. */
        long[] published() {
            List<Parking.Row> refused = parks();
            if (refused.isEmpty()) {
                return count == ids.length ? ids : java.util.Arrays.copyOf(ids, count);
            }
            Set<Long> set = new HashSet<>();
            refused.forEach(r -> set.add(r.id()));
            return java.util.Arrays.stream(ids, 0, count).filter(id -> !set.contains(id)).toArray();
        }
    }

    private final TailConfig config;
    private final TailStats stats;
    private final BooleanSupplier closing;
    private final Thread reader = Thread.currentThread();
    private final ArrayDeque<Txn> open = new ArrayDeque<>();
    private final Map<Integer, PgOutput.Relation> relations = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private volatile Throwable failure;
    private volatile boolean parked;
    private OutboxColumns columns;
    private int outboxRelation = -1;
    private Txn current;
    private long flushed;
    private boolean statusDirty;
    private long lastStatusNanos;
    private long nextLagCheckNanos;

    TailSession(TailConfig config, TailStats stats, BooleanSupplier closing) {
        this.config = config;
        this.stats = stats;
        this.closing = closing;
    }

    /** Reads the slot until the relay closes (returns) or something fails (throws). */
    void run() throws SQLException {
        try (Connection sql = connect(false); Connection replication = connect(true)) {
            Slots.requireLogical(sql);
            Slots.requireParkedTable(sql, config.table());
            Slots.ensurePublication(sql, config.publication(), config.table());
            PGConnection pg = replication.unwrap(PGConnection.class);
            Parking parking = new Parking(Statements.ofOutboxTable(Dialect.POSTGRESQL, config.table()),
                    "outbox relay: slot " + config.slot(), log);
            if (!Slots.slotExists(sql, config.slot())) {
                new SlotCreation(config, stats, parking).create(pg, sql);
            }
            PGReplicationStream stream = start(pg);
            // The deleter's connection only once this instance reads: a standby holds two at most, briefly.
            try (Connection deletes = connect(false);
                 RowDeleter deleter = new RowDeleter(deletes, config.table(), config.deleteBatch(),
                         "courier-outbox-delete-" + config.slot(), this::wake, parking, stats)) {
                flushed = stream.getLastReceiveLSN().asLong();
                stats.active(true);
                log.info("outbox relay: reading slot {} (publication {})", config.slot(), config.publication());
                try {
                    stream(stream, deleter, sql);
                    drain(stream, deleter);
                } finally {
                    stats.active(false);
                }
            } finally {
                if (!stream.isClosed()) {
                    stream.close();
                }
            }
        }
    }

    private PGReplicationStream start(PGConnection pg) throws SQLException {
        try {
            return pg.getReplicationAPI().replicationStream().logical()
                    .withSlotName(config.slot())
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", config.publication())
                    .withStatusInterval((int) config.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
                    .start();
        } catch (PSQLException e) {
            if (OBJECT_IN_USE.equals(e.getSQLState())) {
                throw new SlotBusyException(e.getMessage());
            }
            throw e;
        }
    }

    private void stream(PGReplicationStream stream, RowDeleter deleter, Connection sql) throws SQLException {
        while (!closing.getAsBoolean()) {
            check(deleter);
            ByteBuffer buffer = stream.readPending();
            if (buffer != null) {
                handle(buffer);
                if (statusDue()) {
                    settle(stream, deleter);
                }
                continue;
            }
            settle(stream, deleter);
            monitor(sql);
            park();
        }
    }

    /** On close: no more reading; waits a little for the broker to confirm what was sent, and confirms it. */
    private void drain(PGReplicationStream stream, RowDeleter deleter) throws SQLException {
        long end = System.nanoTime() + config.drainTimeout().toNanos();
        while (System.nanoTime() - end < 0 && failure == null && deleter.failure() == null) {
            settle(stream, deleter);
            if (open.isEmpty() && deleter.idle() && !statusDirty) {
                break;
            }
            park();
        }
        settle(stream, deleter);
        if (statusDirty) {
            stream.forceUpdateStatus();
        }
    }

    private void handle(ByteBuffer buffer) {
        PgOutput.Decoded decoded = PgOutput.decode(buffer, relations::get);
        switch (decoded) {
            case PgOutput.Begin b -> {
                current = new Txn();
                current.xid = b.xid();
                open.addLast(current);
            }
            case PgOutput.Insert insert -> {
                if (insert.relationId() == outboxRelation) {
                    publish(insert.values());
                }
            }
            case PgOutput.Commit c -> {
                if (current != null) {
                    current.endLsn = c.endLsn();
                    current.commitMicros = c.commitMicros();
                    current.committed = true;
                    current = null;
                }
            }
            case PgOutput.Relation r -> {
                relations.put(r.id(), r);
                if (config.table().equals(r.name()) || config.table().equals(r.namespace() + "." + r.name())) {
                    columns = OutboxColumns.of(r);
                    outboxRelation = r.id();
                }
            }
            case PgOutput.Skipped s -> {
            }
        }
    }

    private void publish(String[] values) {
        if (current == null) {
            throw new io.courier.InvalidArgumentException("pgoutput: an insert outside a transaction (expected: Begin first)");
        }
        Txn txn = current;
        long id = columns.id(values);
        String messageId;
        Message message;
        long bytes;
        try {
            io.courier.outbox.OutboxRow row = columns.row(values);
            messageId = row.messageId();
            message = OutboxColumns.message(row);
            bytes = RowBytes.of(row);
        } catch (InvalidArgumentException e) {
            txn.park(id, e.getMessage()); // set aside once its commit is settled; the stream goes on
            return;
        }
        // Back-pressure: the stream is not read while the broker has not confirmed enough of what
        // was sent (in rows, and in bytes: a row that would take the bytes past the bound waits
        // until it fits, or, larger than the bound, until it goes alone). The server keeps the rest.
        while (inFlight.get() >= config.maxInFlight()
                || inFlight.get() > 0 && inFlightBytes.get() + bytes > config.maxInFlightBytes()) {
            if (closing.getAsBoolean() || failure != null) {
                break; // the row stays unconfirmed: the next session reads it again
            }
            park();
        }
        txn.add(id);
        txn.pending.incrementAndGet();
        inFlight.incrementAndGet();
        stats.inFlight(inFlightBytes.addAndGet(bytes));
        CompletableFuture<Void> sent;
        try {
            sent = config.broker().send(message);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ok, error) -> {
            if (error != null) {
                if (Parking.refusedForGood(error)) {
                    txn.park(id, Parking.refusedReason(id, messageId, error));
                } else if (failure == null) {
                    failure = error;
                }
            }
            txn.pending.decrementAndGet();
            inFlightBytes.addAndGet(-bytes);
            inFlight.decrementAndGet();
            if (error == null) {
                stats.published();
            }
            if (parked) {
                LockSupport.unpark(reader);
            }
        });
    }

    /** Hands confirmed commits to the deleter, and confirms to the server what it deleted. */
    private void settle(PGReplicationStream stream, RowDeleter deleter) throws SQLException {
        Txn last = null;
        int rows = 0;
        int withRows = 0;
        List<Parking.Row> parks = List.of();
        for (Txn t : open) {
            if (!t.committed || t.pending.get() > 0) {
                break;
            }
            last = t;
            rows += t.count;
            withRows += t.count > 0 || !t.parks().isEmpty() ? 1 : 0;
        }
        if (last != null) {
            long[] ids = new long[rows];
            int[] xids = new int[withRows];
            int i = 0;
            int x = 0;
            Txn t;
            do {
                t = open.pollFirst();
                long[] published = t.published();
                System.arraycopy(published, 0, ids, i, published.length);
                i += published.length;
                if (!t.parks().isEmpty()) {
                    if (parks.isEmpty()) {
                        parks = new ArrayList<>();
                    }
                    parks.addAll(t.parks());
                }
                if (t.count > 0 || !t.parks().isEmpty()) {
                    xids[x++] = t.xid;
                }
            } while (t != last);
            // The latency first: once submitted, the rows may be deleted before the next line runs.
            java.time.Instant now = java.time.Instant.now(); // to the microsecond, as the commit's time is
            stats.relayed(now.getEpochSecond() * 1_000_000 + now.getNano() / 1000 - PG_EPOCH_MICROS - last.commitMicros);
            deleter.submit(i == ids.length ? ids : java.util.Arrays.copyOf(ids, i), xids, parks, last.endLsn);
        }
        long confirmable = deleter.deletedLsn();
        if (open.isEmpty() && inFlight.get() == 0 && deleter.idle()) {
            // Nothing of ours is pending: what the server sent since (other tables' changes,
            // keep-alives) needs no work, and confirming it keeps the slot from holding WAL.
            confirmable = Math.max(confirmable, stream.getLastReceiveLSN().asLong());
        }
        if (confirmable > flushed) {
            LogSequenceNumber lsn = LogSequenceNumber.valueOf(confirmable);
            stream.setAppliedLSN(lsn);
            stream.setFlushedLSN(lsn);
            flushed = confirmable;
            stats.confirmed(confirmable);
            statusDirty = true;
        }
        if (statusDirty && System.nanoTime() - lastStatusNanos >= STATUS_EVERY_NANOS) {
            if (log.isDebugEnabled()) {
                log.debug("outbox relay: slot {} confirmed up to {}", config.slot(), LogSequenceNumber.valueOf(flushed));
            }
            stream.forceUpdateStatus();
            lastStatusNanos = System.nanoTime();
            statusDirty = false;
        }
    }

    private boolean statusDue() {
        return System.nanoTime() - lastStatusNanos >= STATUS_EVERY_NANOS;
    }

    private void monitor(Connection sql) throws SQLException {
        long now = System.nanoTime();
        if (now - nextLagCheckNanos < 0) {
            return;
        }
        nextLagCheckNanos = now + config.lagCheckEvery().toNanos();
        SlotLag.check(sql, config, stats);
    }

    private void check(RowDeleter deleter) {
        Throwable f = failure != null ? failure : deleter.failure();
        if (f != null) {
            throw new UnavailableException("outbox relay: slot " + config.slot() + ": " + f
                    + "; reading again from the last confirmed commit", Map.of(), true, f);
        }
    }

    private void park() {
        parked = true;
        LockSupport.parkNanos(IDLE_PARK_NANOS);
        parked = false;
    }

    private void wake() {
        if (parked) {
            LockSupport.unpark(reader);
        }
    }

    private Connection connect(boolean replication) throws SQLException {
        Properties p = new Properties();
        p.putAll(config.properties());
        if (replication) {
            PGProperty.REPLICATION.set(p, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
            PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        }
        Connection c = DriverManager.getConnection(config.jdbcUrl(), p);
        if (!replication) {
            c.setAutoCommit(true);
        }
        return c;
    }
}
