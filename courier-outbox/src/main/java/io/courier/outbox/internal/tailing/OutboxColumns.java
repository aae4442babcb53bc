package io.courier.outbox.internal.tailing;

import io.courier.InvalidArgumentException;
import io.courier.Ticker;
import io.courier.messaging.Message;
import io.courier.outbox.OutboxRow;
import io.courier.outbox.internal.Parking;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Turns an outbox row, as logical decoding shows it (every column in PostgreSQL's text form),
 * into the {@link OutboxRow} that was written and its {@link Message}: the column positions are
 * found once per {@link PgOutput.Relation} message, so columns added to the table later, or in
 * another order, do not break it. Not thread-safe: one per replication session.
 */
final class OutboxColumns {
    private final String table;
    private final int id;
    private final int messageId;
    private final int channel;
    private final int partitionKey;
    private final int partition;
    private final int headers;
    private final int payload;
    private final int createdAt;

    private OutboxColumns(PgOutput.Relation relation) {
        this.table = relation.namespace().isEmpty() ? relation.name() : relation.namespace() + "." + relation.name();
        this.id = require(relation, "id");
        this.messageId = require(relation, "message_id");
        this.channel = require(relation, "channel");
        this.partitionKey = require(relation, "partition_key");
        this.partition = require(relation, "partition_no");
        this.headers = require(relation, "headers");
        this.payload = require(relation, "payload");
        this.createdAt = require(relation, "created_at");
    }

    static OutboxColumns of(PgOutput.Relation relation) {
        return new OutboxColumns(relation);
    }

    /**
     * The id of the row {@code values} describe.
     *
     * @throws InvalidArgumentException when it is not an integer (the schema's id never is): a
     *         row without its id cannot even be set aside
     */
    long id(String[] values) {
        try {
            return Long.parseLong(values[id]);
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException(table + ".id: " + values[id] + " (expected: an integer)");
        }
    }

    /**
     * The row {@code values} (text form, in the relation's column order) describe.
     *
     * @throws InvalidArgumentException naming the row and what is wrong ({@code outbox row 7
     *         (message m): column headers: null (expected: ...)}) when a column it needs is null
     *         or not of its type: a row to set aside
     */
    OutboxRow row(String[] values) {
        long rowId = id(values);
        String mid = values[messageId];
        try {
            String missing = Parking.nullColumn(mid, values[channel], values[headers], values[payload] == null);
            if (missing != null) {
                throw new InvalidArgumentException(missing);
            }
            return new OutboxRow(rowId, mid, values[channel], values[partitionKey],
                    (int) number(values, partition, "partition_no"), values[headers], bytea(values[payload]),
                    number(values, createdAt, "created_at"));
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("outbox row " + rowId + " (message " + mid + "): " + e.getMessage());
        }
    }

    /**
     * The message row {@code row} holds.
     *
     * @throws InvalidArgumentException naming the row and what is wrong when its headers cannot
     *         be read: a row to set aside
     */
    static Message message(OutboxRow row) {
        try {
            return row.message(Clock.systemUTC(), Ticker.system());
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(e.getMessage());
        }
    }

    private static long number(String[] values, int column, String name) {
        String v = values[column];
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("column " + name + ": " + v + " (expected: an integer)");
        }
    }

    /** PostgreSQL's text form of a bytea ({@code bytea_output = hex}, the default): {@code \x0a0b...}. */
    private static byte[] bytea(String v) {
        if (!v.startsWith("\\x") || (v.length() & 1) != 0) {
            throw new InvalidArgumentException("column payload: " + v.length() + " characters not in hex form"
                    + " (expected: \\x and pairs of hex digits; bytea_output = hex)");
        }
        try {
            return HexFormat.of().parseHex(v, 2, v.length());
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("column payload: " + e.getMessage()
                    + " (expected: \\x and pairs of hex digits)");
        }
    }

    private static int require(PgOutput.Relation relation, String column) {
        int i = relation.indexOf(column);
        if (i < 0) {
            throw new InvalidArgumentException("outbox table " + relation.name() + ": no column " + column
                    + " (expected: the outbox schema's columns; it has " + relation.columns() + ")");
        }
        return i;
    }
}
