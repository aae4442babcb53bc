package io.courier.outbox.internal;

import io.courier.outbox.OutboxRow;

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
        return row.payload().length + utf8(row.headers()) + utf8(row.messageId()) + utf8(row.channel())
                + utf8(row.partitionKey());
    }

    /** The length of {@code s} in UTF-8, without encoding it; 0 for null. */
    static long utf8(String s) {
        if (s == null) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
