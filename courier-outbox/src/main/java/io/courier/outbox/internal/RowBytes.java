package io.courier.outbox.internal;

import io.courier.outbox.OutboxRow;
import io.courier.spi.WireText;

/**
 * What one outbox row weighs in a relay's memory, for its byte bound: the bytes of its columns
 * as the database stores them (the payload, and the UTF-8 of its headers, message id, channel
 * and key), counted the same way in SQL ({@link #SQL}) and in Java ({@link #of}).
 */
public final class RowBytes {
    /** The weight of a row of the outbox table, as an SQL expression over its columns (null counts 0). */
    public static final String SQL = "COALESCE(OCTET_LENGTH(payload), 0) + COALESCE(OCTET_LENGTH(headers), 0)"
            + " + COALESCE(OCTET_LENGTH(message_id), 0) + COALESCE(OCTET_LENGTH(channel), 0)"
            + " + COALESCE(OCTET_LENGTH(partition_key), 0)";

    private RowBytes() {
    }

    /** The weight of {@code row}. */
    public static long of(OutboxRow row) {
        return (long) row.payload().length + WireText.utf8Length(row.headers()) + WireText.utf8Length(row.messageId())
                + WireText.utf8Length(row.channel()) + WireText.utf8Length(row.partitionKey());
    }
}
