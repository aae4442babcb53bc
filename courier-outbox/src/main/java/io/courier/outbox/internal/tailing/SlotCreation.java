package io.courier.outbox.internal.tailing;

import io.courier.InvalidArgumentException;
import io.courier.messaging.Message;
import io.courier.outbox.OutboxRow;
import io.courier.outbox.internal.Parking;
import io.courier.outbox.internal.RowBytes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.postgresql.PGConnection;
import org.postgresql.replication.ReplicationSlotInfo;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the slot and publishes the rows written before it existed. A new logical slot
 * decodes only transactions that commit after its consistent point; the rows already in the
 * table are read in the snapshot the slot exports at that very point, so each row is
 * published exactly once by one of the two: the snapshot holds what committed before, the
 * stream what commits after. Rows of the snapshot it cannot read, or whose message the broker
 * refuses for good, are set aside into the parked table as the stream's are.
 */
final class SlotCreation {
    private static final Logger log = LoggerFactory.getLogger(SlotCreation.class);

    private final TailConfig config;
    private final TailStats stats;
    private final Parking parking;

    SlotCreation(TailConfig config, TailStats stats, Parking parking) {
        this.config = config;
        this.stats = stats;
        this.parking = parking;
    }

    void create(PGConnection replication, Connection sql) throws SQLException {
        ReplicationSlotInfo slot;
        try {
            slot = replication.getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(config.slot()).withOutputPlugin("pgoutput").make();
        } catch (PSQLException e) {
            if (Slots.DUPLICATE_OBJECT.equals(e.getSQLState())) {
                return; // another relay instance created it (and publishes the rows before it)
            }
            throw e;
        }
        log.info("outbox relay: created replication slot {} at {}", config.slot(), slot.getConsistentPoint());
        int published;
        try {
            published = backfill(sql, slot.getSnapshotName());
        } catch (SQLException | RuntimeException e) {
            // Without its backfill the slot would skip the rows before it for good: drop it, so
            // that the next attempt creates it again and publishes them.
            try {
                Slots.drop(sql, config.slot());
            } catch (SQLException dropping) {
                e.addSuppressed(dropping);
            }
            throw e;
        }
        if (published > 0) {
            log.info("outbox relay: published {} rows of {} written before slot {} existed", published,
                    config.table(), config.slot());
        }
    }

    private int backfill(Connection sql, String snapshot) throws SQLException {
        sql.setAutoCommit(false);
        try {
            try (Statement st = sql.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                st.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
            }
            List<String> names = new ArrayList<>();
            StringBuilder select = new StringBuilder("SELECT ");
            try (Statement st = sql.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM " + config.table() + " WHERE false")) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    String name = rs.getMetaData().getColumnName(i);
                    names.add(name);
                    select.append(i > 1 ? ", " : "").append('"').append(name.replace("\"", "\"\"")).append("\"::text");
                }
            }
            // Pages of the oldest rows after the last one read, each within the byte bound (its
            // first row whatever its size), read whole only once chosen: the snapshot may hold a
            // backlog of large payloads, and the driver receives a statement's whole result.
            // Ordered by the table's id (o.id): a bare "id" would be the text column of the select
            // list, and sort row 10 before row 9.
            select.append(" FROM ").append(config.table()).append(" o WHERE o.id IN (SELECT id FROM (SELECT id, size,")
                    .append(" SUM(size) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto")
                    .append(" FROM (SELECT id, ").append(RowBytes.SQL).append(" AS size FROM ").append(config.table())
                    .append(" WHERE id > ?");
            if (names.contains("published_at")) {
                select.append(" AND published_at IS NULL"); // rows a relay published and kept
            }
            select.append(" ORDER BY id LIMIT ?) page) w WHERE upto <= ? OR upto = size) ORDER BY o.id");
            OutboxColumns columns = OutboxColumns.of(new PgOutput.Relation(0, "", config.table(), List.copyOf(names)));
            List<Long> ids = new ArrayList<>();
            List<Parking.Row> parks = new ArrayList<>();
            List<OutboxRow> sent = new ArrayList<>();
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            try (PreparedStatement page = sql.prepareStatement(select.toString())) {
                String[] values = new String[names.size()];
                long after = Long.MIN_VALUE;
                boolean more = true;
                while (more) {
                    page.setLong(1, after);
                    page.setInt(2, config.maxInFlight());
                    page.setLong(3, config.maxInFlightBytes());
                    more = false;
                    long bytes = 0;
                    try (ResultSet rs = page.executeQuery()) {
                        while (rs.next()) {
                            more = true;
                            for (int i = 0; i < values.length; i++) {
                                values[i] = rs.getString(i + 1);
                            }
                            long id = columns.id(values);
                            after = id;
                            OutboxRow row;
                            Message message;
                            try {
                                row = columns.row(values);
                                message = OutboxColumns.message(row);
                            } catch (InvalidArgumentException e) {
                                parks.add(new Parking.Row(id, e.getMessage()));
                                continue;
                            }
                            bytes += RowBytes.of(row);
                            sent.add(row);
                            sends.add(send(message));
                        }
                    }
                    stats.inFlight(bytes);
                    join(sent, sends, ids, parks); // the page confirmed before the next is read
                }
            }
            sql.commit();
            if (!ids.isEmpty()) {
                try (PreparedStatement delete = sql.prepareStatement("DELETE FROM " + config.table() + " WHERE id = ANY (?)")) {
                    delete.setArray(1, sql.createArrayOf("bigint", ids.toArray()));
                    delete.executeUpdate();
                }
                sql.commit();
            }
            stats.parked(parking.park(sql, System.currentTimeMillis(), parks));
            return ids.size();
        } catch (SQLException | RuntimeException e) {
            if (!sql.getAutoCommit()) {
                sql.rollback();
            }
            throw e;
        } finally {
            sql.setAutoCommit(true);
        }
    }

    private CompletableFuture<Void> send(Message message) {
        try {
            return config.broker().send(message);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Waits for {@code sends} of {@code sent}: the confirmed rows' ids go to {@code published},
     * the ones the broker refused for good to {@code parks}; any other failure is thrown.
     */
    private void join(List<OutboxRow> sent, List<CompletableFuture<Void>> sends, List<Long> published,
                      List<Parking.Row> parks) {
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        for (int i = 0; i < sends.size(); i++) {
            OutboxRow row = sent.get(i);
            CompletableFuture<Void> f = sends.get(i);
            if (!f.isCompletedExceptionally()) {
                published.add(row.id());
                stats.published();
                continue;
            }
            Throwable failure = f.exceptionNow();
            if (!Parking.refusedForGood(failure)) {
                throw new CompletionException(failure);
            }
            parks.add(new Parking.Row(row.id(), Parking.refusedReason(row.id(), row.messageId(), failure)));
        }
        sent.clear();
        sends.clear();
    }
}
