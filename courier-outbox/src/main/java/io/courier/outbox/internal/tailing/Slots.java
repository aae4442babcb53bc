package io.courier.outbox.internal.tailing;

import io.courier.FailedPreconditionException;
import io.courier.outbox.Dialect;
import io.courier.outbox.internal.Statements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

/**
 * The SQL a log-tailing relay runs on an ordinary connection: the server's readiness for
 * logical decoding, the publication, the slot's existence and lag, and dropping the slot.
 */
public final class Slots {
    /** SQLSTATE duplicate_object: a concurrent relay created the publication or slot first. */
    static final String DUPLICATE_OBJECT = "42710";

    private Slots() {
    }

    /** Fails unless the server decodes its log logically ({@code wal_level = logical}). */
    public static void requireLogical(Connection sql) throws SQLException {
        String level = single(sql, "SHOW wal_level");
        if (!"logical".equals(level)) {
            throw new FailedPreconditionException("PostgreSQL wal_level: " + level
                    + " (expected: logical; run ALTER SYSTEM SET wal_level = logical and restart the server)");
        }
    }

    /**
     * Fails unless the parked table of outbox table {@code table} exists. Without it the relay
     * cannot set aside a row it cannot publish, so it could not confirm that row's commit: every
     * later attempt would read, and send again, every commit after it, and the slot would hold
     * the server's WAL from there on. The relay refuses to read instead, naming the migration.
     */
    public static void requireParkedTable(Connection sql, String table) throws SQLException {
        String parked = Statements.ofOutboxTable(Dialect.POSTGRESQL, table).parked;
        try (PreparedStatement ps = sql.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, parked);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
        }
        throw new FailedPreconditionException("outbox relay: table " + parked + " is missing (expected: the table "
                + parked + " of rows set aside, next to " + table + ": apply the migration script"
                + " io/courier/outbox/postgresql.sql, OutboxSchema.script(Dialect.POSTGRESQL), or run"
                + " OutboxSchema.create; the log-tailing relay does not read its slot without it)");
    }

    /** Creates publication {@code publication} of inserts into {@code table} unless it exists. */
    static void ensurePublication(Connection sql, String publication, String table) throws SQLException {
        try (PreparedStatement ps = sql.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (Statement st = sql.createStatement()) {
            st.execute("CREATE PUBLICATION " + publication + " FOR TABLE " + table + " WITH (publish = 'insert')");
        } catch (SQLException e) {
            if (!DUPLICATE_OBJECT.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /** Whether slot {@code slot} exists. */
    static boolean slotExists(Connection sql, String slot) throws SQLException {
        try (PreparedStatement ps = sql.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * How many bytes of WAL slot {@code slot} holds back: the server's current WAL position
     * minus the slot's confirmed position; empty when the slot does not exist.
     */
    public static OptionalLong lagBytes(Connection sql, String slot) throws SQLException {
        try (PreparedStatement ps = sql.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), "
                + "confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** Drops slot {@code slot}; returns whether it existed. Fails while a relay reads it. */
    public static boolean drop(Connection sql, String slot) throws SQLException {
        if (!slotExists(sql, slot)) {
            return false;
        }
        try (PreparedStatement ps = sql.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, slot);
            ps.execute();
        }
        return true;
    }

    private static String single(Connection sql, String query) throws SQLException {
        try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
