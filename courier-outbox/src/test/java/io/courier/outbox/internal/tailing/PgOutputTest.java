package io.courier.outbox.internal.tailing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgOutputTest {
    private static final PgOutput.Relation OUTBOX = new PgOutput.Relation(16384, "public", "courier_outbox",
            List.of("id", "headers", "payload"));

    @Test
    void decodesATransaction() throws IOException {
        assertThat(decode(bytes(out -> {
            out.writeByte('B');
            out.writeLong(0x1_0000_0010L);
            out.writeLong(789);
            out.writeInt(42);
        }))).isEqualTo(new PgOutput.Begin(0x1_0000_0010L, 789, 42));

        PgOutput.Decoded relation = decode(bytes(out -> {
            out.writeByte('R');
            out.writeInt(16384);
            cstring(out, "public");
            cstring(out, "courier_outbox");
            out.writeByte('d');
            out.writeShort(3);
            for (String c : List.of("id", "headers", "payload")) {
                out.writeByte(c.equals("id") ? 1 : 0);
                cstring(out, c);
                out.writeInt(20);
                out.writeInt(-1);
            }
        }));
        assertThat(relation).isEqualTo(OUTBOX);

        PgOutput.Insert insert = (PgOutput.Insert) decode(bytes(out -> {
            out.writeByte('I');
            out.writeInt(16384);
            out.writeByte('N');
            out.writeShort(3);
            text(out, "7");
            text(out, "courier-id: é");
            out.writeByte('n');
        }));
        assertThat(insert.relationId()).isEqualTo(16384);
        assertThat(insert.values()).containsExactly("7", "courier-id: é", null);

        assertThat(decode(bytes(out -> {
            out.writeByte('C');
            out.writeByte(0);
            out.writeLong(100);
            out.writeLong(120);
            out.writeLong(789);
        }))).isEqualTo(new PgOutput.Commit(100, 120, 789));

        assertThat(decode(bytes(out -> {
            out.writeByte('O');
            out.writeLong(5);
            cstring(out, "origin");
        }))).isEqualTo(new PgOutput.Skipped('O'));
    }

    @Test
    void refusesWhatTheRelayCannotHaveAskedFor() {
        assertThatThrownBy(() -> decode(new byte[] {'U', 0, 0, 0, 1}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("pgoutput: message type 'U' (update) (expected: inserts only: the relay's publication "
                        + "must publish inserts only)");
        assertThatThrownBy(() -> decode(new byte[] {'S', 0}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("pgoutput: message type 'S' (expected: one of B, C, R, I, O, Y (pgoutput protocol version 1))");
        assertThatThrownBy(() -> decode(new byte[0])).hasMessageContaining("an empty message");
    }

    @Test
    void boundsEveryRead() throws IOException {
        assertThatThrownBy(() -> decode(new byte[] {'B', 0, 0, 0}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("pgoutput: message 'B' cut short (3 bytes left) (expected: 8 more bytes)");
        byte[] hugeValue = bytes(out -> {
            out.writeByte('I');
            out.writeInt(16384);
            out.writeByte('N');
            out.writeShort(3);
            out.writeByte('t');
            out.writeInt(Integer.MAX_VALUE);
            out.writeBytes("12");
        });
        assertThatThrownBy(() -> decode(hugeValue))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("pgoutput: column id of 2147483647 bytes with 2 left (expected: a length within the message)");
        byte[] wrongCount = bytes(out -> {
            out.writeByte('I');
            out.writeInt(16384);
            out.writeByte('N');
            out.writeShort(2);
        });
        assertThatThrownBy(() -> decode(wrongCount))
                .hasMessage("pgoutput: an insert into courier_outbox with 2 columns (expected: 3, as its Relation message said)");
        byte[] unknownRelation = bytes(out -> {
            out.writeByte('I');
            out.writeInt(99);
            out.writeByte('N');
        });
        assertThatThrownBy(() -> decode(unknownRelation))
                .hasMessage("pgoutput: an insert into relation 99 (expected: a Relation message describing it first)");
        byte[] unterminated = bytes(out -> {
            out.writeByte('R');
            out.writeInt(1);
            out.writeBytes("public");
        });
        assertThatThrownBy(() -> decode(unterminated))
                .hasMessage("pgoutput: a string without its terminating zero in message 'R' (expected: a zero-terminated string)");
        byte[] tooManyColumns = bytes(out -> {
            out.writeByte('R');
            out.writeInt(1);
            cstring(out, "public");
            cstring(out, "t");
            out.writeByte('d');
            out.writeShort(5000);
        });
        assertThatThrownBy(() -> decode(tooManyColumns))
                .hasMessage("pgoutput: relation t with 5000 columns (expected: 0 to 1664)");
        byte[] toasted = bytes(out -> {
            out.writeByte('I');
            out.writeInt(16384);
            out.writeByte('N');
            out.writeShort(3);
            out.writeByte('u');
        });
        assertThatThrownBy(() -> decode(toasted)).hasMessageStartingWith("pgoutput: column id of kind 'u'");
    }

    @Test
    void readsTheMessageWherePgJdbcPlacesIt() throws IOException {
        byte[] commit = bytes(out -> {
            out.writeByte('C');
            out.writeByte(0);
            out.writeLong(1);
            out.writeLong(2);
            out.writeLong(3);
        });
        byte[] framed = new byte[commit.length + 25]; // the XLogData header before the message
        System.arraycopy(commit, 0, framed, 25, commit.length);
        assertThat(PgOutput.decode(ByteBuffer.wrap(framed, 25, commit.length), id -> null))
                .isEqualTo(new PgOutput.Commit(1, 2, 3));
    }

    private static PgOutput.Decoded decode(byte[] message) {
        return PgOutput.decode(ByteBuffer.wrap(message), id -> id == OUTBOX.id() ? OUTBOX : null);
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(Writer writer) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            writer.write(out);
        }
        return b.toByteArray();
    }

    private static void cstring(DataOutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.writeByte(0);
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeByte('t');
        out.writeInt(b.length);
        out.write(b);
    }
}
