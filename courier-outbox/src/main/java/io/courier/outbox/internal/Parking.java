package io.courier.outbox.internal;

import io.courier.InvalidArgumentException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;

/**
 * Setting rows aside, as both relays (polling and log-tailing) do: which broker failures mean
 * the message itself is wrong, the reasons a row cannot be published, and the move of such rows
 * into {@code <prefix>outbox_parked} (copy, then delete, in one transaction), each logged once
 * at ERROR. Not thread-safe: one per relay connection.
 */
public final class Parking {
    /** The longest reason the parked table holds. */
    static final int MAX_REASON = 1_000;

    /** A row to set aside: its outbox id, and what is wrong with it and was expected. */
    public record Row(long id, String reason) {
    }

    private final Statements sql;
    private final String name;
    private final Logger log;

    /**
     * Parks rows of {@code sql}'s outbox table into its parked table; {@code name} starts each
     * log line of {@code log}.
     */
    public Parking(Statements sql, String name, Logger log) {
        this.sql = sql;
        this.name = name;
        this.log = log;
    }

    /**
     * Whether the broker said this message itself is wrong (too large, an illegal channel): sent
     * again, it would be refused again. Other failures, a refusal of every message included
     * (credentials, a broker going away), are tried again after a back-off.
     */
    public static boolean refusedForGood(Throwable failure) {
        Throwable t = unwrap(failure);
        return t instanceof InvalidArgumentException || t instanceof IllegalArgumentException;
    }

    /** {@code t} without the {@link CompletionException} or {@link ExecutionException} around it. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The reason of a row whose message the broker refused for good with {@code failure}. */
    public static String refusedReason(long id, String messageId, Throwable failure) {
        Throwable t = unwrap(failure);
        return "outbox row " + id + " (message " + messageId + "): the broker refused it for good: "
                + t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /**
     * What is wrong when a column the relay needs is null (a table made by another script, or an
     * older one, may allow it), or null when none is: {@code column headers: null (expected: ...)}.
     */
    public static String nullColumn(String messageId, String channel, String headers, boolean payloadIsNull) {
        String missing = messageId == null ? "message_id: null (expected: the message's id)"
                : channel == null ? "channel: null (expected: the message's channel)"
                : headers == null ? "headers: null (expected: the message's headers, form-encoded)"
                : payloadIsNull ? "payload: null (expected: the payload's bytes, empty for none)" : null;
        return missing == null ? null : "column " + missing;
    }

    /**
     * Moves {@code rows} into the parked table, each with its reason and {@code now} (milliseconds
     * since the epoch), in one transaction on {@code connection} (left in auto-commit mode after),
     * and logs each moved row once at ERROR. A row no longer unpublished in the outbox table
     * (deleted, published, or parked before) is skipped, with a line at WARN. Returns how many
     * rows were moved.
     *
     * @throws SQLException naming the parked table when the move fails (rolled back: every row
     *         stays where it was)
     */
    public int park(Connection connection, long now, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        List<Row> moved = new ArrayList<>(rows.size());
        List<Row> gone = new ArrayList<>();
        connection.setAutoCommit(false);
        try (PreparedStatement copy = connection.prepareStatement(sql.parkRow());
             PreparedStatement delete = connection.prepareStatement(sql.deleteOne())) {
            for (Row row : rows) {
                copy.setLong(1, now);
                copy.setString(2, bounded(row.reason()));
                copy.setLong(3, row.id());
                if (copy.executeUpdate() == 1) {
                    delete.setLong(1, row.id());
                    delete.executeUpdate();
                    moved.add(row);
                } else {
                    gone.add(row);
                }
            }
            connection.commit();
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            throw new SQLException("parking outbox row " + rows.get(0).id() + " in " + sql.parked + " failed (expected:"
                    + " the table " + sql.parked + ", which OutboxSchema.create makes): " + e.getMessage(),
                    e.getSQLState(), e);
        } finally {
            connection.setAutoCommit(true);
        }
        for (Row row : moved) {
            log.error("{}: parked outbox row {} in {}, the rows after it go on (move it back to {} once fixed): {}",
                    name, row.id(), sql.parked, sql.outbox, row.reason());
        }
        for (Row row : gone) {
            log.warn("{}: outbox row {} is no longer unpublished in {} (parked before, deleted or published): nothing"
                    + " to park ({})", name, row.id(), sql.outbox, row.reason());
        }
        return moved.size();
    }

    /** {@code reason} cut to the parked table's 1,000 characters. */
    static String bounded(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 3) + "...";
    }
}
