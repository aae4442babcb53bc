package io.courier.outbox.internal.tailing;

import io.courier.InvalidArgumentException;
import io.courier.Ticker;
import io.courier.messaging.Message;
import io.courier.outbox.OutboxRow;
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

    /** The row {@code values} (text form, in the relation's column order) describe. */
    OutboxRow row(String[] values) {
        long rowId = number(values, id, "id");
        try {
            return new OutboxRow(rowId, values[messageId], values[channel], values[partitionKey],
                    (int) number(values, partition, "partition_no"), values[headers], bytea(values[payload], rowId),
                    number(values, createdAt, "created_at"));
        } catch (NullPointerException e) {
            throw new InvalidArgumentException(table + " row " + rowId + ": " + e.getMessage()
                    + " is null (expected: a value, as the outbox schema declares NOT NULL)");
        }
    }

    /** The message row {@code row} holds. */
    static Message message(OutboxRow row) {
        try {
            return row.message(Clock.systemUTC(), Ticker.system());
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(e.getMessage());
        }
    }

    private long number(String[] values, int column, String name) {
        String v = values[column];
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException(table + "." + name + ": " + v + " (expected: an integer)");
        }
    }

    /** PostgreSQL's text form of a bytea ({@code bytea_output = hex}, the default): {@code \x0a0b...}. */
    private byte[] bytea(String v, long rowId) {
        if (v == null) {
            return null;
        }
        if (!v.startsWith("\\x") || (v.length() & 1) != 0) {
            throw new InvalidArgumentException(table + " row " + rowId + ": payload of " + v.length()
                    + " characters not in hex form (expected: \\x and pairs of hex digits; bytea_output = hex)");
        }
        try {
            return HexFormat.of().parseHex(v, 2, v.length());
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(table + " row " + rowId + ": payload: " + e.getMessage()
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
