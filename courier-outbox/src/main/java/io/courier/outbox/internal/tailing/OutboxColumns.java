package io.courier.outbox.internal.tailing;

import io.courier.InvalidArgumentException;
import io.courier.Metadata;
import io.courier.Ticker;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Turns an outbox row, as logical decoding shows it (every column in PostgreSQL's text form),
 * into the {@link Message} that was written: the column positions are found once per
 * {@link PgOutput.Relation} message, so a column added to the table later does not break it.
 * Not thread-safe: one per replication session.
 */
final class OutboxColumns {
    static final String ID = "id";
    static final String HEADERS = "headers";
    static final String PAYLOAD = "payload";

    private final int id;
    private final int headers;
    private final int payload;
    private final String table;

    private OutboxColumns(PgOutput.Relation relation) {
        this.table = relation.namespace() + "." + relation.name();
        this.id = require(relation, ID);
        this.headers = require(relation, HEADERS);
        this.payload = require(relation, PAYLOAD);
    }

    static OutboxColumns of(PgOutput.Relation relation) {
        return new OutboxColumns(relation);
    }

    /** The row's id (its primary key), which the relay deletes by once published. */
    long id(String[] values) {
        String v = values[id];
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new InvalidArgumentException(table + "." + ID + ": " + v + " (expected: a bigint)");
        }
    }

    /** The message the row holds. */
    Message message(String[] values) {
        String text = values[headers];
        if (text == null) {
            throw new InvalidArgumentException(table + "." + HEADERS + ": null (expected: the message's headers)");
        }
        return MessageHeaders.read(HeaderText.read(text), bytea(values[payload]), Clock.systemUTC(), Ticker.system());
    }

    /** PostgreSQL's text form of a bytea ({@code bytea_output = hex}, the default): {@code \x0a0b...}. */
    private byte[] bytea(String v) {
        if (v == null) {
            return new byte[0];
        }
        if (!v.startsWith("\\x") || (v.length() & 1) != 0) {
            throw new InvalidArgumentException(table + "." + PAYLOAD + ": a bytea of " + v.length()
                    + " characters not in hex form (expected: \\x followed by pairs of hex digits; bytea_output = hex)");
        }
        try {
            return HexFormat.of().parseHex(v, 2, v.length());
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(table + "." + PAYLOAD + ": " + e.getMessage()
                    + " (expected: \\x followed by pairs of hex digits)");
        }
    }

    private static int require(PgOutput.Relation relation, String column) {
        int i = relation.indexOf(column);
        if (i < 0) {
            throw new InvalidArgumentException("outbox table " + relation.namespace() + "." + relation.name()
                    + ": no column " + column + " (expected: the courier_outbox columns, has " + relation.columns() + ")");
        }
        return i;
    }

    /** Until the outbox schema's own header text: one {@code name: value} line per header. */
    static final class HeaderText {
        private HeaderText() {
        }

        static String write(Metadata headers) {
            StringBuilder sb = new StringBuilder();
            headers.asMap().forEach((name, values) -> values.forEach(v -> sb.append(name).append(": ")
                    .append(v.replace("\\", "\\\\").replace("\n", "\\n")).append('\n')));
            return sb.toString();
        }

        static Metadata read(String text) {
            Metadata m = Metadata.empty();
            for (String line : text.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(": ");
                if (colon <= 0) {
                    throw new InvalidArgumentException("outbox headers: line '" + line + "' (expected: name: value)");
                }
                m = m.with(line.substring(0, colon), line.substring(colon + 2).replace("\\n", "\n").replace("\\\\", "\\"));
            }
            return m;
        }
    }
}
