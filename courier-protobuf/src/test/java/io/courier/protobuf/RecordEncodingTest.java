package io.courier.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import io.courier.InternalException;
import io.courier.protobuf.Fixtures.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A record's encoding, field by field, against the bytes protobuf-java's own
 * {@link CodedOutputStream} writes for the same fields: the per-record writer must write
 * scalars unboxed, leave out defaults, keep field-number order whatever the declaration order,
 * and hand everything else (nested records, lists, maps, optionals, enums, timestamps) to the
 * same code as before, also when repeated many times (the writer is specialised once hot).
 */
class RecordEncodingTest {
    private final ProtobufCodec codec = ProtobufCodec.create();

    /** Declared out of field-number order, every unboxed kind. */
    record Flat(@Field(9) String s, @Field(2) long l, @Field(1) int i, @Field(4) boolean b, @Field(3) double d,
                @Field(5) float f, @Field(6) short sh, @Field(7) byte by) {
    }

    record Inner(long id, String name) {
    }

    record Mixed(Inner inner, List<String> tags, Map<String, Integer> counts, Optional<String> note, Color color,
                 Instant at, List<Inner> inners, int n) {
    }

    @Test
    void scalarsAreWrittenInFieldNumberOrder() throws IOException {
        Flat flat = new Flat("é€", -3L, 150, true, 1.5, -2.5f, (short) -7, (byte) 100);
        byte[] expected = bytes(out -> {
            out.writeInt32(1, 150);
            out.writeInt64(2, -3L);
            out.writeDouble(3, 1.5);
            out.writeBool(4, true);
            out.writeFloat(5, -2.5f);
            out.writeInt32(6, -7);
            out.writeInt32(7, 100);
            out.writeString(9, "é€");
        });
        for (int i = 0; i < 20_000; i++) { // past the point where the writer is specialised
            assertThat(codec.encode(flat, Flat.class)).isEqualTo(expected);
        }
        assertThat(codec.decode(expected, Flat.class)).isEqualTo(flat);
    }

    @Test
    void defaultsAreLeftOutButNegativeZeroIsWritten() throws IOException {
        assertThat(codec.encode(new Flat(null, 0, 0, false, 0.0, 0.0f, (short) 0, (byte) 0), Flat.class)).isEmpty();
        assertThat(codec.encode(new Flat("", 0, 0, false, 0.0, 0.0f, (short) 0, (byte) 0), Flat.class)).isEmpty();
        byte[] negativeZero = bytes(out -> {
            out.writeDouble(3, -0.0);
            out.writeFloat(5, -0.0f);
        });
        assertThat(codec.encode(new Flat("", 0, 0, false, -0.0, -0.0f, (short) 0, (byte) 0), Flat.class))
                .isEqualTo(negativeZero);
    }

    @Test
    void otherFieldsAreWrittenAsBefore() throws IOException {
        Inner inner = new Inner(7, "seven");
        byte[] innerBytes = bytes(out -> {
            out.writeInt64(1, 7);
            out.writeString(2, "seven");
        });
        Instant at = Instant.ofEpochSecond(1_700_000_000L, 5);
        Mixed mixed = new Mixed(inner, List.of("a", "b"), Map.of("k", 3), Optional.of(""), Color.BLUE, at,
                List.of(inner, new Inner(0, "")), 0);
        byte[] expected = bytes(out -> {
            out.writeByteArray(1, innerBytes);
            out.writeString(2, "a");
            out.writeString(2, "b");
            out.writeByteArray(3, bytes(entry -> {
                entry.writeString(1, "k");
                entry.writeInt32(2, 3);
            }));
            out.writeString(4, ""); // an Optional present holding the default is still written
            out.writeEnum(5, 2);
            out.writeByteArray(6, bytes(timestamp -> {
                timestamp.writeInt64(1, 1_700_000_000L);
                timestamp.writeInt32(2, 5);
            }));
            out.writeByteArray(7, innerBytes);
            out.writeByteArray(7, new byte[0]); // an element is written even when all its fields are defaults
        });
        for (int i = 0; i < 20_000; i++) {
            assertThat(codec.encode(mixed, Mixed.class)).isEqualTo(expected);
        }
        assertThat(codec.decode(expected, Mixed.class)).isEqualTo(mixed);
        assertThat(codec.encode(new Mixed(null, List.of(), Map.of(), Optional.empty(), null, null, List.of(), 0),
                Mixed.class)).isEmpty();
    }

    @Test
    void aFailingFieldStillFailsAsBefore() {
        Mixed withNullElement = new Mixed(null, java.util.Arrays.asList("a", null), Map.of(), Optional.empty(), null,
                null, List.of(), 0);
        assertThatThrownBy(() -> codec.encode(withNullElement, Mixed.class)).isInstanceOf(InternalException.class)
                .hasMessage("protobuf: cannot encode Mixed.tags: a null element (expected: no nulls in a repeated field)");
        Mixed outOfRange = new Mixed(null, List.of(), Map.of(), Optional.empty(), null, Instant.MAX, List.of(), 0);
        assertThatThrownBy(() -> codec.encode(outOfRange, Mixed.class)).isInstanceOf(InternalException.class)
                .hasMessageContaining("out of the Timestamp range");
        // A failure gives its buffer back: the next record is written whole.
        Mixed fine = new Mixed(null, List.of("x"), Map.of(), Optional.empty(), Color.RED, null, List.of(), 1);
        assertThat(codec.decode(codec.encode(fine, Mixed.class), Mixed.class)).isEqualTo(fine);
    }

    record Stamped(Instant at, List<String> names) {
    }

    record Tagged(String name, java.util.Set<String> labels, List<String> tags) {
    }

    @Test
    void fieldsReadInlineFollowProtobufRules() throws IOException {
        // Absent fields are the defaults; -0.0 and NaN keep their bits.
        assertThat(codec.decode(new byte[0], Flat.class)).isEqualTo(new Flat("", 0, 0, false, 0.0, 0.0f, (short) 0,
                (byte) 0));
        byte[] bits = bytes(out -> {
            out.writeDouble(3, -0.0);
            out.writeFloat(5, Float.NaN);
            out.writeDouble(3, Double.longBitsToDouble(0x7ff8_0000_0000_0001L));
        });
        Flat decoded = (Flat) codec.decode(bits, Flat.class);
        assertThat(Double.doubleToRawLongBits(decoded.d())).isEqualTo(0x7ff8_0000_0000_0001L);
        assertThat(Float.floatToRawIntBits(decoded.f())).isEqualTo(Float.floatToRawIntBits(Float.NaN));
        // A singular field sent twice keeps the last value; negative int32s take ten bytes and read back.
        byte[] twice = bytes(out -> {
            out.writeInt32(1, -5);
            out.writeString(9, "first");
            out.writeInt64(2, Long.MIN_VALUE);
            out.writeBool(4, true);
            out.writeString(9, "last");
            out.writeInt32(1, Integer.MIN_VALUE);
            out.writeBool(4, false);
        });
        assertThat(codec.decode(twice, Flat.class)).isEqualTo(new Flat("last", Long.MIN_VALUE, Integer.MIN_VALUE,
                false, 0.0, 0.0f, (short) 0, (byte) 0));
        // Repeated strings arrive in pieces, interleaved with other fields; a set keeps the wire order.
        byte[] pieces = bytes(out -> {
            out.writeString(3, "a");
            out.writeString(2, "z");
            out.writeString(1, "n");
            out.writeString(3, "");
            out.writeString(2, "y");
            out.writeString(2, "z");
            out.writeString(3, "a");
        });
        Tagged tagged = (Tagged) codec.decode(pieces, Tagged.class);
        assertThat(tagged.tags()).containsExactly("a", "", "a");
        assertThat(tagged.labels()).containsExactly("z", "y");
        assertThat(tagged.name()).isEqualTo("n");
        assertThatThrownBy(() -> tagged.tags().add("b")).isInstanceOf(UnsupportedOperationException.class);
        // The wrong wire type for an inline field is refused as before.
        assertThatThrownBy(() -> codec.decode(bytes(out -> out.writeString(2, "x")), Flat.class))
                .hasMessageContaining("Flat.l (field 2): wire type 2 (length-delimited) (expected: 0 (varint)");
        assertThatThrownBy(() -> codec.decode(bytes(out -> out.writeInt32(3, 1)), Tagged.class))
                .hasMessageContaining("Tagged.tags (field 3): wire type 0 (varint)");
    }

    @Test
    void timestampsAtTheEdgesAreWrittenAsProtobufWritesThem() throws IOException {
        for (Instant at : List.of(Instant.EPOCH, Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(-1, 999_999_999),
                Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.ofEpochSecond(1_700_000_000L))) {
            byte[] expected = bytes(out -> out.writeByteArray(1, bytes(timestamp -> {
                if (at.getEpochSecond() != 0) {
                    timestamp.writeInt64(1, at.getEpochSecond());
                }
                if (at.getNano() != 0) {
                    timestamp.writeInt32(2, at.getNano());
                }
            })));
            assertThat(codec.encode(new Stamped(at, List.of()), Stamped.class)).as(at.toString()).isEqualTo(expected);
            assertThat(codec.decode(expected, Stamped.class)).isEqualTo(new Stamped(at, List.of()));
        }
    }

    @Test
    void recordsOfAnySizeAreWrittenWhole() throws IOException {
        // Around 4 KiB, where a record stops fitting in a reused buffer and is sized first.
        for (int length : new int[] {0, 1, 127, 128, 4_000, 4_080, 4_085, 4_090, 4_093, 4_094, 4_095, 4_096, 4_100,
            10_000, 100_000}) {
            String text = "é".repeat(length / 2) + "a".repeat(length % 2);
            Stamped stamped = new Stamped(null, List.of(text, "b"));
            byte[] expected = bytes(out -> {
                if (!text.isEmpty()) {
                    out.writeString(2, text);
                } else {
                    out.writeString(2, "");
                }
                out.writeString(2, "b");
            });
            assertThat(codec.encode(stamped, Stamped.class)).as("%d bytes", length).isEqualTo(expected);
        }
    }

    @Test
    void threadsWritingAtOnceEachGetTheirOwnBytes() throws Exception {
        int threads = 8;
        List<java.util.concurrent.Callable<Boolean>> tasks = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Stamped mine = new Stamped(Instant.ofEpochSecond(t + 1), List.of("thread " + t, "x".repeat(t * 700)));
            byte[] expected = codec.encode(mine, Stamped.class);
            tasks.add(() -> {
                for (int i = 0; i < 20_000; i++) {
                    if (!java.util.Arrays.equals(codec.encode(mine, Stamped.class), expected)) {
                        return false;
                    }
                }
                return codec.decode(expected, Stamped.class).equals(mine);
            });
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (java.util.concurrent.Future<Boolean> f : pool.invokeAll(tasks)) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void virtualThreadsWritingAtOnceEachGetTheirOwnBytes() throws Exception {
        // More virtual threads than shared arrays, so that several race for the same one.
        List<java.util.concurrent.Callable<Boolean>> tasks = new java.util.ArrayList<>();
        for (int t = 0; t < 200; t++) {
            Stamped mine = new Stamped(Instant.ofEpochSecond(t + 1), List.of("thread " + t, "x".repeat(t * 15)));
            byte[] expected = codec.encode(mine, Stamped.class);
            tasks.add(() -> {
                for (int i = 0; i < 2_000; i++) {
                    if (!java.util.Arrays.equals(codec.encode(mine, Stamped.class), expected)) {
                        return false;
                    }
                    if (i % 100 == 0) {
                        Thread.yield();
                    }
                }
                return true;
            });
        }
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (java.util.concurrent.Future<Boolean> f : pool.invokeAll(tasks)) {
                assertThat(f.get()).isTrue();
            }
        }
    }

    /** A record whose accessor encodes another record with the same codec, on the same thread. */
    record Nesting(long n, String inner) {
        static final ProtobufCodec CODEC = ProtobufCodec.create();

        @Override
        public String inner() {
            return java.util.HexFormat.of().formatHex(CODEC.encode(new Inner(7, inner), Inner.class));
        }
    }

    @Test
    void aRecordEncodedWhileAnotherIsBeingWrittenOnTheSameThreadKeepsItsBytes() throws Exception {
        // n is written first, then inner() runs and encodes: a shared array would lose n.
        Nesting nesting = new Nesting(300, "ab");
        String innerHex = java.util.HexFormat.of().formatHex(bytes(out -> {
            out.writeInt64(1, 7);
            out.writeString(2, "ab");
        }));
        byte[] expected = bytes(out -> {
            out.writeInt64(1, 300);
            out.writeString(2, innerHex);
        });
        assertThat(Nesting.CODEC.encode(nesting, Nesting.class)).isEqualTo(expected);
        java.util.concurrent.CompletableFuture<byte[]> onVirtual = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> onVirtual.complete(Nesting.CODEC.encode(nesting, Nesting.class)));
        assertThat(onVirtual.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(expected);
    }

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] bytes(Fields fields) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buffer);
        fields.write(out);
        out.flush();
        return buffer.toByteArray();
    }
}
