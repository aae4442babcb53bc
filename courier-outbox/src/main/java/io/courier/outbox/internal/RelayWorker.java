package io.courier.outbox.internal;

import io.courier.Ticker;
import io.courier.messaging.Message;
import io.courier.messaging.spi.MessageBroker;
import io.courier.outbox.Dialect;
import io.courier.outbox.Outbox;
import io.courier.outbox.OutboxRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's loop, on one platform thread with one connection of its own: claim free
 * partitions (session locks, held as long as the connection lives), read the oldest unpublished
 * rows of the held ones in id order, send them, remove the confirmed ones, wait as the adaptive
 * interval says. Any database error closes the connection (releasing the partitions) and starts
 * again after a back-off.
 */
public final class RelayWorker {
    private static final Logger log = LoggerFactory.getLogger(RelayWorker.class);
    private static final int PURGE_CHUNK = 1_000;
    private static final int PURGE_CHUNKS_PER_ROUND = 10;

    private final Outbox outbox;
    private final MessageBroker broker;
    private final String name;
    private final int batchSize;
    private final long maxBatchBytes;
    private final long minPollNanos;
    private final long maxPollNanos;
    private final long claimNanos;
    private final Duration publishTimeout;
    private final int maxPartitions;
    private final Duration keepPublishedFor;
    private final Ticker ticker;

    private final Thread thread;
    private final Set<Integer> held = new ConcurrentSkipListSet<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong largestBatchBytes = new AtomicLong();
    private volatile long lastLatencyMillis;
    private volatile boolean closed;
    private volatile boolean wakeUp;
    private volatile Connection connection;
    private Statements sql;
    private Parking parking;
    /** The poll's SQL for {@link #pendingFor} partitions: built again only when that number changes. */
    private String pendingSql;
    private int pendingFor = -1;
    private int lockSpace;
    private long lastClaim;
    private boolean claimDue;
    /**
     * Rows read while the previous batch waited for the broker, not that batch's own: sent as the
     * next batch as soon as the previous one is confirmed and removed (null: none read ahead).
     */
    private Batch readAhead;
    /** What is wrong with rows read with a null column, by id, until they are parked. */
    private final Map<Long, String> nullColumns = new HashMap<>();
    private long readAheadAt;

    /**
     * Rows read by one poll, oldest first, and their weight ({@link RowBytes}); {@code full} when
     * more rows were waiting than it read (by rows or by bytes): the next poll then comes at once.
     */
    private record Batch(List<OutboxRow> rows, long bytes, boolean full) {
    }

    public RelayWorker(Outbox outbox, MessageBroker broker, String name, int batchSize, long maxBatchBytes,
                       Duration minPoll, Duration maxPoll, Duration claimInterval, Duration publishTimeout,
                       int maxPartitions, Duration keepPublishedFor, Ticker ticker) {
        this.outbox = outbox;
        this.broker = broker;
        this.name = name;
        this.batchSize = batchSize;
        this.maxBatchBytes = maxBatchBytes;
        this.minPollNanos = minPoll.toNanos();
        this.maxPollNanos = maxPoll.toNanos();
        this.claimNanos = claimInterval.toNanos();
        this.publishTimeout = publishTimeout;
        this.maxPartitions = Math.min(maxPartitions, outbox.partitions());
        this.keepPublishedFor = keepPublishedFor;
        this.ticker = ticker;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    public void start() {
        if (thread.getState() != Thread.State.NEW) {
            throw new IllegalStateException(name + ": already started (expected: start() once)");
        }
        thread.start();
    }

    public void wakeUp() {
        wakeUp = true;
        LockSupport.unpark(thread);
    }

    public long published() {
        return published.get();
    }

    public long parked() {
        return parked.get();
    }

    public long polls() {
        return polls.get();
    }

    /** The most bytes of rows ({@link RowBytes}) the relay held at once: its batch and the rows read ahead. */
    public long largestBatchBytes() {
        return largestBatchBytes.get();
    }

    public long lastLatencyMillis() {
        return lastLatencyMillis;
    }

    public Set<Integer> held() {
        return Collections.unmodifiableSet(new TreeSet<>(held));
    }

    public long backlog() {
        return outbox.backlog();
    }

    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (thread.getState() == Thread.State.NEW) {
            return;
        }
        LockSupport.unpark(thread); // not an interrupt: a JDBC driver may take it for a broken connection
        try {
            thread.join(publishTimeout.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("{}: still busy after the publish timeout; closing its connection under it", name);
            closeConnection();
        }
    }

    private void run() {
        long wait = minPollNanos;
        long errorWait = minPollNanos;
        try {
            while (!closed) {
                try {
                    if (connection == null) {
                        open();
                    }
                    long now = System.nanoTime();
                    if (claimDue || now - lastClaim >= claimNanos) {
                        claimDue = false;
                        lastClaim = now;
                        claim();
                        purge();
                    }
                    if (held.isEmpty()) {
                        pause(claimNanos);
                        continue;
                    }
                    long polled;
                    Batch batch;
                    if (readAhead != null) {
                        batch = readAhead;
                        polled = readAheadAt;
                        readAhead = null;
                    } else {
                        polled = System.nanoTime();
                        nullColumns.clear(); // no row read before is waiting to be published
                        batch = poll(maxBatchBytes);
                        held(batch.bytes());
                    }
                    if (batch.rows().isEmpty()) {
                        pause(wait);
                        wait = Math.min(wait * 2, maxPollNanos);
                        continue;
                    }
                    wait = minPollNanos;
                    boolean allSent = publish(batch, polled);
                    if (!allSent) {
                        pause(errorWait);
                        errorWait = Math.min(errorWait * 2, maxPollNanos);
                        continue;
                    }
                    errorWait = minPollNanos;
                    if (!batch.full() && readAhead == null) {
                        // The shortest interval from this poll's start, not from the batch's end:
                        // a batch that took longer than the interval is followed by a poll at once,
                        // so sending and removing do not add to how long the next rows wait.
                        pause(minPollNanos - (System.nanoTime() - polled));
                    }
                } catch (SQLException | RuntimeException e) {
                    readAhead = null;
                    if (closed) {
                        break;
                    }
                    log.warn("{}: {}; releasing its partitions and trying again in {} ms", name, e.toString(),
                            TimeUnit.NANOSECONDS.toMillis(errorWait));
                    closeConnection();
                    pause(errorWait);
                    errorWait = Math.min(errorWait * 2, maxPollNanos);
                }
            }
        } finally {
            closeConnection();
        }
    }

    private void open() throws SQLException {
        Connection c = outbox.dataSource().getConnection();
        try {
            // Each statement its own transaction: a poll or a delete is one round trip, with no
            // BEGIN and COMMIT of its own, and a poll's snapshot ends with it. The partition locks
            // are the session's, not a transaction's.
            c.setAutoCommit(true);
            Dialect dialect = outbox.dialect().orElse(null);
            sql = new Statements(dialect != null ? dialect : Dialect.of(c), outbox.tablePrefix());
            parking = new Parking(sql, name, log);
            pendingFor = -1;
            String schema = c.getSchema();
            lockSpace = ((schema == null ? "" : schema) + "." + sql.outbox).hashCode();
            claimDue = true;
            held.clear();
            connection = c;
        } catch (SQLException | RuntimeException e) {
            quietlyClose(c);
            throw e;
        }
    }

    /** Tries to take free partitions, starting at a random one so that several relays spread out. */
    private void claim() throws SQLException {
        int partitions = outbox.partitions();
        if (held.size() >= maxPartitions) {
            return;
        }
        int start = ThreadLocalRandom.current().nextInt(partitions);
        List<Integer> taken = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql.tryLock())) {
            for (int i = 0; i < partitions && held.size() < maxPartitions; i++) {
                int p = (start + i) % partitions;
                if (held.contains(p)) {
                    continue;
                }
                if (sql.dialect == Dialect.POSTGRESQL) {
                    ps.setInt(1, lockSpace);
                } else {
                    ps.setString(1, sql.outbox);
                }
                ps.setInt(2, p);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        held.add(p);
                        taken.add(p);
                    }
                }
            }
        }
        if (!taken.isEmpty()) {
            log.info("{}: now publishing partitions {} of {} ({} held)", name, taken, outbox.table(), held.size());
        }
    }

    /**
     * The oldest unpublished rows of the held partitions: at most {@code batchSize} rows, and at
     * most {@code maxBytes} of them (the first row whatever its size), bounded by the query itself.
     */
    private Batch poll(long maxBytes) throws SQLException {
        List<Integer> parts = new ArrayList<>(held);
        List<OutboxRow> rows = new ArrayList<>();
        long bytes = 0;
        long waiting = 0;
        if (pendingFor != parts.size()) {
            pendingSql = sql.pending(parts.size());
            pendingFor = parts.size();
        }
        try (PreparedStatement ps = connection.prepareStatement(pendingSql)) {
            int i = 1;
            for (int p : parts) {
                ps.setInt(i++, p);
                ps.setInt(i++, batchSize + 1); // one more than a batch: whether more are waiting
            }
            ps.setInt(i++, batchSize + 1);
            ps.setInt(i++, batchSize);
            ps.setLong(i, maxBytes);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OutboxRow row = row(rs);
                    rows.add(row);
                    bytes += RowBytes.of(row);
                    waiting = rs.getLong(9);
                }
            }
        }
        polls.incrementAndGet();
        return new Batch(rows, bytes, waiting > rows.size());
    }

    /** Notes that the relay holds {@code bytes} of rows now. */
    private void held(long bytes) {
        largestBatchBytes.accumulateAndGet(bytes, Math::max);
    }

    /**
     * The row at {@code rs}. A table made by another script (or an older one) may let a column
     * be null that the relay needs: such a row is kept with empty stand-ins and its problem
     * noted in {@link #nullColumns}, so that it is parked like any row the relay cannot read.
     */
    private OutboxRow row(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        String messageId = rs.getString(2);
        String channel = rs.getString(3);
        String headers = rs.getString(6);
        byte[] payload = rs.getBytes(7);
        String missing = Parking.nullColumn(messageId, channel, headers, payload == null);
        if (missing != null) {
            nullColumns.put(id, "outbox row " + id + " (message " + messageId + "): " + missing);
        }
        return new OutboxRow(id, messageId == null ? "" : messageId, channel == null ? "" : channel, rs.getString(4),
                rs.getInt(5), headers == null ? "" : headers, payload == null ? new byte[0] : payload, rs.getLong(8));
    }

    /**
     * Sends {@code rows} (read at {@code polled}) in order, waits for the confirmations, removes
     * the confirmed rows; true when every row was confirmed.
     *
     * <p>When the confirmations take longer than the shortest poll interval from {@code polled},
     * the next poll is made while waiting for them (only after a partial batch: a full one is
     * followed by a poll at once anyway). Its rows, less this batch's, are kept in
     * {@link #readAhead} and sent only once every row of this batch is confirmed and removed, so
     * a failure here still stops the rows after it; when this batch fails they are dropped and
     * read again. A slow broker then no longer adds a poll's round trip to the next rows' wait.
     */
    private boolean publish(Batch batch, long polled) throws SQLException {
        List<OutboxRow> rows = batch.rows();
        // Every row is read before any is sent. A row that cannot be read (edited by hand, written
        // by another program) is parked, not sent: the rows after it go on.
        List<OutboxRow> readable = new ArrayList<>(rows.size());
        List<Message> messages = new ArrayList<>(rows.size());
        List<Parking.Row> toPark = new ArrayList<>();
        for (OutboxRow row : rows) {
            String problem = nullColumns.remove(row.id());
            if (problem == null) {
                try {
                    messages.add(row.message(outbox.clock(), ticker));
                    readable.add(row);
                    continue;
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
            }
            toPark.add(new Parking.Row(row.id(), problem));
        }
        List<CompletableFuture<Void>> sends = new ArrayList<>(messages.size());
        for (Message m : messages) {
            CompletableFuture<Void> f;
            try {
                f = broker.send(m);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            sends.add(f);
        }
        // Waits for the confirmations even while closing: the batch is finished and its rows
        // removed, so a graceful stop hands nothing twice to the next relay.
        CompletableFuture<Void> all = CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
        long end = System.nanoTime() + publishTimeout.toNanos();
        long pollDue = polled + minPollNanos;
        // Read ahead only after a partial batch, and only as many bytes as the batch leaves of the
        // bound: the read-ahead finds this batch's rows again (not removed yet), and they count.
        long aheadBytes = maxBatchBytes - batch.bytes();
        boolean readAheadAllowed = !batch.full() && aheadBytes > 0;
        Batch ahead = null;
        long aheadAt = 0;
        while (!all.isDone()) {
            long now = System.nanoTime();
            long left = end - now;
            if (left <= 0) {
                break; // the sends not confirmed yet are sent again in a later round
            }
            if (readAheadAllowed && ahead == null && !closed) {
                if (now - pollDue >= 0) {
                    aheadAt = now;
                    ahead = poll(aheadBytes);
                    held(batch.bytes() + ahead.bytes());
                    continue;
                }
                left = Math.min(left, pollDue - now);
            }
            try {
                all.get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.interrupted(); // nobody interrupts this thread on purpose; keep waiting
            } catch (ExecutionException | TimeoutException e) {
                // looked at per send below
            }
        }
        List<OutboxRow> confirmed = new ArrayList<>(readable.size());
        Throwable firstFailure = null;
        for (int i = 0; i < readable.size(); i++) {
            CompletableFuture<Void> f = sends.get(i);
            if (f.isDone() && !f.isCompletedExceptionally()) {
                confirmed.add(readable.get(i));
                continue;
            }
            Throwable failure = f.isDone() ? Parking.unwrap(f.exceptionNow()) : null;
            if (Parking.refusedForGood(failure)) {
                OutboxRow row = readable.get(i);
                toPark.add(new Parking.Row(row.id(), Parking.refusedReason(row.id(), row.messageId(), failure)));
            } else if (firstFailure == null) {
                firstFailure = failure != null ? failure : new TimeoutException("no confirmation within "
                        + publishTimeout.toMillis() + " ms");
            }
        }
        remove(confirmed);
        parked.addAndGet(parking.park(connection, outbox.clock().millis(), toPark));
        if (ahead != null && firstFailure == null) {
            Set<Long> done = new HashSet<>(rows.size() * 2);
            for (OutboxRow row : rows) {
                done.add(row.id());
            }
            List<OutboxRow> next = new ArrayList<>(ahead.rows().size());
            long nextBytes = 0;
            for (OutboxRow row : ahead.rows()) {
                if (!done.contains(row.id())) {
                    next.add(row);
                    nextBytes += RowBytes.of(row);
                }
            }
            // Nothing new in a read-ahead cut by the bound: poll again rather than wait for nothing.
            readAhead = next.isEmpty() && ahead.full() ? null : new Batch(next, nextBytes, ahead.full());
            readAheadAt = aheadAt;
        }
        if (firstFailure != null) {
            log.warn("{}: the broker confirmed {} of {} messages; the rest are sent again: {}", name,
                    confirmed.size(), readable.size(), firstFailure.toString());
        }
        return firstFailure == null;
    }

    private void remove(List<OutboxRow> confirmed) throws SQLException {
        if (confirmed.isEmpty()) {
            return;
        }
        long now = outbox.clock().millis();
        boolean mark = keepPublishedFor != null;
        try (PreparedStatement ps = connection.prepareStatement(
                mark ? sql.markPublished(confirmed.size()) : sql.deleteByIds(confirmed.size()))) {
            int i = 1;
            if (mark) {
                ps.setLong(i++, now);
            }
            if (sql.dialect == Dialect.POSTGRESQL) {
                Long[] ids = new Long[confirmed.size()];
                for (int k = 0; k < ids.length; k++) {
                    ids[k] = confirmed.get(k).id();
                }
                ps.setArray(i, connection.createArrayOf("bigint", ids));
            } else {
                for (OutboxRow row : confirmed) {
                    ps.setLong(i++, row.id());
                }
            }
            ps.executeUpdate();
        }
        published.addAndGet(confirmed.size());
        lastLatencyMillis = Math.max(0, now - confirmed.get(confirmed.size() - 1).createdAt());
    }

    /** Deletes published rows past the retention window, in bounded chunks. */
    private void purge() throws SQLException {
        if (keepPublishedFor == null) {
            return;
        }
        long before = outbox.clock().millis() - keepPublishedFor.toMillis();
        try (PreparedStatement ps = connection.prepareStatement(sql.purgePublished())) {
            for (int i = 0; i < PURGE_CHUNKS_PER_ROUND; i++) {
                ps.setLong(1, before);
                ps.setInt(2, PURGE_CHUNK);
                int n = ps.executeUpdate();
                if (n < PURGE_CHUNK) {
                    return;
                }
            }
        }
    }

    /** Waits up to {@code nanos}, less when woken up or closed. */
    private void pause(long nanos) {
        long end = System.nanoTime() + nanos;
        while (!closed && !wakeUp) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            LockSupport.parkNanos(this, left);
            Thread.interrupted(); // nobody interrupts this thread on purpose; close() unparks it
        }
        wakeUp = false;
    }

    /**
     * Releases the partitions and closes the connection. The locks are released explicitly
     * before: a pool keeps the session open, and with it every lock not released.
     */
    private void closeConnection() {
        Connection c = connection;
        connection = null;
        nullColumns.clear();
        if (!held.isEmpty()) {
            log.info("{}: releasing partitions {} of {}", name, new TreeSet<>(held), outbox.table());
        }
        held.clear();
        if (c == null) {
            return;
        }
        if (sql != null) {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                try (PreparedStatement ps = c.prepareStatement(sql.unlockAll());
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            } catch (SQLException e) {
                // A broken connection: its session, and with it its locks, ends with it.
                log.debug("{}: releasing its locks: {}", name, e.toString());
                try {
                    c.abort(Runnable::run);
                } catch (SQLException | RuntimeException ignored) {
                    // closed below anyway
                }
            }
        }
        quietlyClose(c);
    }

    private void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("{}: closing its connection: {}", name, e.toString());
        }
    }
}
