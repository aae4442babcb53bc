package io.courier.outbox.internal.tailing;

import io.courier.outbox.internal.Parking;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes published outbox rows in batches on its own thread and connection, and tells the
 * relay up to which commit (LSN) it has deleted: the relay confirms a commit to the slot only
 * after its rows are gone, so a crash in between leaves rows that the slot replays (a
 * duplicate the inbox absorbs), never rows that nothing will ever delete.
 *
 * <p>A commit reaches the log before it is visible: PostgreSQL writes the commit record, then
 * marks the transaction finished for other sessions, so a DELETE right after the relay read
 * the commit can miss the row. The deleter therefore waits until every transaction of a batch
 * is finished in a snapshot of its own (microseconds, as a rule) before deleting.
 *
 * <p>It also sets aside, in commit order with the rest, the rows the relay could not publish
 * (unreadable, or refused for good by the broker): after the same wait, they are moved into the
 * parked table (copy, then delete, one transaction) before their commit counts as deleted, so
 * that commit is confirmed to the slot only once they are safe there.
 */
final class RowDeleter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RowDeleter.class);

    /**
     * Rows confirmed by the broker ({@code ids}) and rows to set aside ({@code parks}) up to the
     * commit ending at {@code lsn}, written by transactions {@code xids}.
     */
    record Batch(long[] ids, int[] xids, List<Parking.Row> parks, long lsn) {
        int rows() {
            return ids.length + parks.size();
        }
    }

    /** Tries after a DELETE found fewer rows than ids: 1, 2, 4, ... 128 ms apart (255 ms in all). */
    private static final int RETRIES = 8;
    private static final long FIRST_RETRY_NANOS = 1_000_000;
    /**
     * How long the deleter gathers confirmed commits before one DELETE: at most 100 DELETEs a
     * second, whatever the rate of commits. Rows stay this much longer in the table, and their
     * commit is confirmed to the slot this much later; neither is on a message's way to the broker.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Connection connection;
    private final String table;
    private final int maxBatch;
    private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Thread thread;
    private final Runnable wake;
    private final Parking parking;
    private final TailStats stats;
    private volatile long deletedLsn;
    private volatile Throwable failure;
    private volatile boolean closed;

    RowDeleter(Connection connection, String table, int maxBatch, String name, Runnable wake, Parking parking,
               TailStats stats) {
        this.connection = connection;
        this.table = table;
        this.maxBatch = maxBatch;
        this.wake = wake;
        this.parking = parking;
        this.stats = stats;
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    void submit(long[] ids, int[] xids, List<Parking.Row> parks, long lsn) {
        queued.incrementAndGet();
        queue.add(new Batch(ids, xids, parks, lsn));
    }

    /** The end LSN of the last commit whose rows are deleted. */
    long deletedLsn() {
        return deletedLsn;
    }

    /** Whether every submitted batch is deleted. */
    boolean idle() {
        return queued.get() == 0;
    }

    /** Why deleting failed, or null. */
    Throwable failure() {
        return failure;
    }

    private void run() {
        List<Batch> batches = new ArrayList<>();
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ANY (?)")) {
            while (!closed) {
                Batch first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batches.add(first);
                int rows = first.rows();
                // The commits that arrive within GATHER_NANOS of the first go into the same
                // DELETE: at a steady rate of small transactions the relay settles one or two
                // at a time, and a snapshot query and a DELETE for each would cost the database
                // more than the writers' own statements.
                long gatherEnd = System.nanoTime() + GATHER_NANOS;
                while (rows < maxBatch && !closed) {
                    long left = gatherEnd - System.nanoTime();
                    Batch next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        if (left > 0) {
                            continue;
                        }
                        break;
                    }
                    batches.add(next);
                    rows += next.rows();
                }
                if (rows > 0) {
                    awaitVisible(batches);
                    park(batches);
                    delete(delete, batches);
                }
                if (log.isDebugEnabled()) {
                    log.debug("outbox relay: deleted {} rows up to {}", rows, batches.getLast().lsn());
                }
                deletedLsn = batches.getLast().lsn();
                queued.addAndGet(-batches.size());
                batches.clear();
                wake.run();
            }
        } catch (SQLException | RuntimeException e) {
            if (!closed) {
                log.warn("outbox relay: deleting published rows of {} (or setting aside the ones it cannot publish)"
                        + " failed: {}", table, e.toString());
                failure = e;
                wake.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Moves the batches' rows to set aside into the parked table, in one transaction. */
    private void park(List<Batch> batches) throws SQLException {
        List<Parking.Row> parks = new ArrayList<>();
        for (Batch b : batches) {
            parks.addAll(b.parks());
        }
        if (!parks.isEmpty()) {
            stats.parked(parking.park(connection, System.currentTimeMillis(), parks));
        }
    }

    /** Deletes the batches' published rows. */
    private void delete(PreparedStatement delete, List<Batch> batches) throws SQLException {
        int rows = 0;
        for (Batch b : batches) {
            rows += b.ids().length;
        }
        if (rows == 0) {
            return;
        }
        Long[] ids = new Long[rows];
        int i = 0;
        for (Batch b : batches) {
            for (long id : b.ids()) {
                ids[i++] = id;
            }
        }
        Array array = connection.createArrayOf("bigint", ids);
        delete.setArray(1, array);
        int deleted = delete.executeUpdate();
        // Fewer rows than ids: rows already deleted (sent again after a crash), or rows not
        // visible yet after all; a few more tries tell the two apart.
        long pause = FIRST_RETRY_NANOS;
        for (int attempt = 0; deleted < rows && attempt < RETRIES && !closed; attempt++, pause *= 2) {
            java.util.concurrent.locks.LockSupport.parkNanos(pause);
            int more = delete.executeUpdate();
            if (more > 0) {
                log.debug("outbox relay: {} published rows of {} were visible only later", more, table);
            }
            deleted += more;
        }
        array.free();
    }

    /** Waits until the transactions that wrote the batches' rows are finished for new snapshots. */
    private void awaitVisible(List<Batch> batches) throws SQLException {
        while (!closed) {
            Snapshot snapshot = Snapshot.current(connection);
            boolean all = true;
            for (Batch b : batches) {
                for (int xid : b.xids()) {
                    all &= snapshot.finished(xid);
                }
            }
            if (all) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
