package io.courier.outbox.internal.tailing;

import io.courier.messaging.Message;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * stream what commits after.
 */
final class SlotCreation {
    private static final Logger log = LoggerFactory.getLogger(SlotCreation.class);

    private final TailConfig config;
    private final TailStats stats;

    SlotCreation(TailConfig config, TailStats stats) {
        this.config = config;
        this.stats = stats;
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
            select.append(" FROM ").append(config.table());
            if (names.contains("published_at")) {
                select.append(" WHERE published_at IS NULL"); // rows a relay published and kept
            }
            select.append(" ORDER BY id");
            OutboxColumns columns = OutboxColumns.of(new PgOutput.Relation(0, "", config.table(), List.copyOf(names)));
            List<Long> ids = new ArrayList<>();
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            try (Statement st = sql.createStatement()) {
                st.setFetchSize(config.maxInFlight());
                try (ResultSet rs = st.executeQuery(select.toString())) {
                    String[] values = new String[names.size()];
                    while (rs.next()) {
                        for (int i = 0; i < values.length; i++) {
                            values[i] = rs.getString(i + 1);
                        }
                        io.courier.outbox.OutboxRow row = columns.row(values);
                        Message message = OutboxColumns.message(row);
                        ids.add(row.id());
                        sends.add(config.broker().send(message));
                        if (sends.size() >= config.maxInFlight()) {
                            join(sends);
                        }
                    }
                }
            }
            join(sends);
            sql.commit();
            if (!ids.isEmpty()) {
                try (PreparedStatement delete = sql.prepareStatement("DELETE FROM " + config.table() + " WHERE id = ANY (?)")) {
                    delete.setArray(1, sql.createArrayOf("bigint", ids.toArray()));
                    delete.executeUpdate();
                }
                sql.commit();
            }
            return ids.size();
        } catch (SQLException | RuntimeException e) {
            sql.rollback();
            throw e;
        } finally {
            sql.setAutoCommit(true);
        }
    }

    private void join(List<CompletableFuture<Void>> sends) {
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        sends.forEach(f -> stats.published());
        sends.clear();
    }
}
