package io.courier.outbox.internal.tailing;

import io.courier.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the messages of PostgreSQL's {@code pgoutput} logical decoding plugin, protocol
 * version 1 (PostgreSQL 10 and newer), as they arrive in a replication stream's
 * {@code XLogData}: the transaction boundaries ({@code Begin}, {@code Commit}), the table
 * descriptions ({@code Relation}) and the rows ({@code Insert}). The publication the relay
 * reads publishes inserts only, so {@code Update}, {@code Delete}, {@code Truncate} and the
 * streaming messages of later versions are refused, as is every type this decoder does not
 * know: a stream it does not understand must stop the relay, never be skipped.
 *
 * <p>Every read is bounded by the buffer: a length or count that points past the end, a string
 * without its terminating zero, or a tuple whose column count differs from its relation's is
 * an {@link InvalidArgumentException} naming the message and what was expected. Stateless and
 * thread-safe.
 */
public final class PgOutput {
    /** PostgreSQL's limit on the columns of a table (MaxTupleAttributeNumber). */
    static final int MAX_COLUMNS = 1664;

    private PgOutput() {
    }

    /** One decoded pgoutput message. */
    public sealed interface Decoded permits Begin, Commit, Relation, Insert, Skipped {
    }

    /** A transaction starts; {@code finalLsn} is the LSN of its commit record. */
    public record Begin(long finalLsn, long commitMicros, int xid) implements Decoded {
    }

    /** A transaction committed; a relay confirms {@code endLsn} once everything in it is published. */
    public record Commit(long commitLsn, long endLsn, long commitMicros) implements Decoded {
    }

    /** A table's description, sent before its first row in a session and after every change to it. */
    public record Relation(int id, String namespace, String name, List<String> columns) implements Decoded {
        /** The position of column {@code column}, or -1. */
        public int indexOf(String column) {
            return columns.indexOf(column);
        }
    }

    /** A row inserted into relation {@code relationId}: its columns in text form, null for SQL NULL. */
    public record Insert(int relationId, String[] values) implements Decoded {
    }

    /** A message a relay does not act on: an origin or a type description. */
    public record Skipped(char type) implements Decoded {
    }

    /**
     * Decodes one message. {@code relations} resolves an insert's relation id to the relation
     * described before (its column count bounds the tuple), or null when none was.
     */
    public static Decoded decode(ByteBuffer buffer, java.util.function.IntFunction<Relation> relations) {
        if (!buffer.hasRemaining()) {
            throw bad("an empty message", "a message type byte");
        }
        char type = (char) buffer.get();
        return switch (type) {
            case 'B' -> new Begin(int64(buffer, type), int64(buffer, type), int32(buffer, type));
            case 'C' -> {
                int8(buffer, type); // flags, unused
                yield new Commit(int64(buffer, type), int64(buffer, type), int64(buffer, type));
            }
            case 'R' -> relation(buffer);
            case 'I' -> insert(buffer, relations);
            case 'O' -> {
                int64(buffer, type);
                string(buffer, type);
                yield new Skipped(type);
            }
            case 'Y' -> {
                int32(buffer, type);
                string(buffer, type);
                string(buffer, type);
                yield new Skipped(type);
            }
            case 'U', 'D', 'T' -> throw bad("message type '" + type + "' (" + (type == 'U' ? "update" : type == 'D'
                    ? "delete" : "truncate") + ")", "inserts only: the relay's publication must publish inserts only");
            default -> throw bad("message type " + printable(type), "one of B, C, R, I, O, Y (pgoutput protocol version 1)");
        };
    }

    private static Relation relation(ByteBuffer buffer) {
        int id = int32(buffer, 'R');
        String namespace = string(buffer, 'R');
        String name = string(buffer, 'R');
        int8(buffer, 'R'); // replica identity
        int count = int16(buffer, 'R');
        if (count < 0 || count > MAX_COLUMNS) {
            throw bad("relation " + name + " with " + count + " columns", "0 to " + MAX_COLUMNS);
        }
        List<String> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int8(buffer, 'R'); // flags: part of the key
            columns.add(string(buffer, 'R'));
            int32(buffer, 'R'); // type oid
            int32(buffer, 'R'); // type modifier
        }
        return new Relation(id, namespace, name, List.copyOf(columns));
    }

    private static Insert insert(ByteBuffer buffer, java.util.function.IntFunction<Relation> relations) {
        int relationId = int32(buffer, 'I');
        Relation relation = relations.apply(relationId);
        if (relation == null) {
            throw bad("an insert into relation " + relationId, "a Relation message describing it first");
        }
        char marker = (char) int8(buffer, 'I');
        if (marker != 'N') {
            throw bad("insert tuple marker " + printable(marker), "'N' (a new tuple)");
        }
        int count = int16(buffer, 'I');
        if (count != relation.columns().size()) {
            throw bad("an insert into " + relation.name() + " with " + count + " columns",
                    relation.columns().size() + ", as its Relation message said");
        }
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            char kind = (char) int8(buffer, 'I');
            switch (kind) {
                case 'n' -> values[i] = null;
                case 't' -> {
                    int length = int32(buffer, 'I');
                    if (length < 0 || length > buffer.remaining()) {
                        throw bad("column " + relation.columns().get(i) + " of " + length + " bytes with "
                                + buffer.remaining() + " left", "a length within the message");
                    }
                    values[i] = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length,
                            StandardCharsets.UTF_8);
                    buffer.position(buffer.position() + length);
                }
                default -> throw bad("column " + relation.columns().get(i) + " of kind " + printable(kind),
                        "'n' (null) or 't' (text); unchanged TOAST and binary values do not occur in inserts "
                                + "of protocol version 1");
            }
        }
        return new Insert(relationId, values);
    }

    private static int int8(ByteBuffer buffer, char type) {
        need(buffer, 1, type);
        return buffer.get() & 0xff;
    }

    private static int int16(ByteBuffer buffer, char type) {
        need(buffer, 2, type);
        return buffer.getShort();
    }

    private static int int32(ByteBuffer buffer, char type) {
        need(buffer, 4, type);
        return buffer.getInt();
    }

    private static long int64(ByteBuffer buffer, char type) {
        need(buffer, 8, type);
        return buffer.getLong();
    }

    private static String string(ByteBuffer buffer, char type) {
        int start = buffer.position();
        int end = start;
        while (end < buffer.limit() && buffer.get(end) != 0) {
            end++;
        }
        if (end == buffer.limit()) {
            throw bad("a string without its terminating zero in message '" + type + "'", "a zero-terminated string");
        }
        String s = new String(buffer.array(), buffer.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        buffer.position(end + 1);
        return s;
    }

    private static void need(ByteBuffer buffer, int bytes, char type) {
        if (buffer.remaining() < bytes) {
            throw bad("message '" + type + "' cut short (" + buffer.remaining() + " bytes left)",
                    bytes + " more bytes");
        }
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("0x%02x", (int) c);
    }

    private static InvalidArgumentException bad(String what, String expected) {
        return new InvalidArgumentException("pgoutput: " + what + " (expected: " + expected + ")");
    }
}
