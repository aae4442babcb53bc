package io.courier.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.reflect.AvroAlias;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @interface Nullable {}

    enum Size { SMALL, LARGE }

    record Line(String sku, int quantity) {}

    record Order(String id, UUID ref, Size size, Instant at, LocalDate day, BigDecimal total, List<Line> lines,
                 Set<String> tags, Map<String, Integer> counts, Optional<String> note, @Nullable String comment,
                 long big, double ratio, boolean flag, byte[] blob) {}

    record Tree(String name, List<Tree> children) {}

    static final class V1 {
        record Item(String sku, int quantity, String colour) {}
    }

    static final class V2 {
        /** quantity moved, colour removed, sku renamed to code, note added. */
        record Item(Optional<String> note, int quantity, @AvroAlias(alias = "sku") String code) {}
    }

    private final AvroCodec codec = AvroCodec.create();

    @Test
    void aRecordRoundTripsWithItsFingerprintInTheContentType() {
        Order order = new Order("o-1", UUID.randomUUID(), Size.LARGE, Instant.parse("2024-02-29T12:34:56.123456789Z"),
                LocalDate.of(2024, 2, 29), new BigDecimal("12.50"), List.of(new Line("a", 2)), Set.of("x"),
                Map.of("k", 1), Optional.empty(), null, Long.MIN_VALUE, 0.25, true, new byte[] {1, 2});

        byte[] bytes = codec.encode(order, Order.class);
        String contentType = codec.contentType(Order.class);
        Order back = (Order) codec.decode(bytes, Order.class, contentType);

        assertThat(contentType).matches("application/avro; fingerprint=[0-9a-f]{16}");
        assertThat(back).usingRecursiveComparison().isEqualTo(order);
        assertThat(codec.decode(bytes, Order.class)).as("no fingerprint: the reader's own schema")
                .usingRecursiveComparison().isEqualTo(order);
    }

    @Test
    void schemasFollowTheNullRule() {
        Schema schema = AvroCodec.schemaOf(Order.class);

        assertThat(schema.getName()).isEqualTo("Order");
        assertThat(schema.getNamespace()).isEqualTo("io.courier.avro");
        assertThat(schema.getField("note").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        assertThat(schema.getField("comment").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        assertThat(schema.getField("id").schema().toString()).as("required: the null rule decides, not Avro")
                .isEqualTo("[\"null\",\"string\"]");
        assertThat(schema.getField("lines").defaultVal()).isEqualTo(List.of());
        assertThat(schema.getField("big").defaultVal()).isEqualTo(0L);
        assertThat(schema.getField("at").schema().getTypes().get(1).getLogicalType().getName()).isEqualTo("timestamp-nanos");
    }

    @Test
    void recursiveRecordsRoundTrip() {
        Tree tree = new Tree("root", List.of(new Tree("leaf", List.of())));

        assertThat(codec.decode(codec.encode(tree, Tree.class), Tree.class)).isEqualTo(tree);
    }

    @Test
    void aNewerReaderResolvesAnOlderWritersRecord() {
        AvroCodec writer = AvroCodec.create();
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(AvroCodec.schemaOf(V1.Item.class));
        AvroCodec reader = AvroCodec.builder().schemaStore(store).build();

        byte[] bytes = writer.encode(new V1.Item("abc", 3, "red"), V1.Item.class);
        Object read = reader.decode(bytes, V2.Item.class, writer.contentType(V1.Item.class));

        assertThat(read).isEqualTo(new V2.Item(Optional.empty(), 3, "abc"));
    }

    @Test
    void anUnknownFingerprintIsNamed() {
        byte[] bytes = codec.encode(new Line("a", 1), Line.class);

        assertThatThrownBy(() -> codec.decode(bytes, Line.class, "application/avro; fingerprint=00000000000000ff"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("content-type: fingerprint=00000000000000ff: unknown writer schema");
        assertThatThrownBy(() -> codec.decode(bytes, Line.class, "application/avro; fingerprint=xyz"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("expected: the 16 hex digits");
    }

    @Test
    void aHugeDeclaredLengthIsRefusedBeforeAnythingIsAllocated() {
        // sku: the union's string branch, a length varint for 1,073,741,823 (zig-zag), then nothing.
        byte[] hostile = {0x02, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};

        assertThatThrownBy(() -> codec.decode(hostile, Line.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("body: $.sku: declared length 1073741823 with 0 bytes left"
                        + " (expected: a length that fits in the body)");
    }

    @Test
    void malformedBodiesNameWhatIsWrong() {
        byte[] good = codec.encode(new Line("abc", 7), Line.class);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 2);

        assertThatThrownBy(() -> codec.decode(truncated, Line.class))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("$.quantity: input ends");
        assertThatThrownBy(() -> codec.decode(trailing, Line.class))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("2 bytes after the end of the value");
        assertThatThrownBy(() -> codec.decode(new byte[] {0x02, 'a', 0x04}, Order.class))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("$.id: declared length -49 with 1 bytes left");
    }

    @Test
    void aTextValueThatIsNotItsTypeIsNamed() {
        record Ref(java.util.UUID ref) {}
        byte[] notAUuid = codec.encode(new Line("abc", 1), Line.class); // the union's string branch, "abc", ...

        assertThatThrownBy(() -> codec.decode(java.util.Arrays.copyOf(notAUuid, notAUuid.length - 1), Ref.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("body: $.ref: \"abc\" (expected: a UUID)");
    }

    @Test
    void manyElementsAndDeepNestingAreBounded() {
        AvroCodec small = codec.withLimits(Limits.builder().maxElements(10).maxNestingDepth(3).build());
        byte[] manyLines = small.encode(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), List.class.arrayType() == null
                ? null : new java.lang.reflect.ParameterizedType() {
                    public java.lang.reflect.Type[] getActualTypeArguments() {
                        return new java.lang.reflect.Type[] {Integer.class};
                    }

                    public java.lang.reflect.Type getRawType() {
                        return List.class;
                    }

                    public java.lang.reflect.Type getOwnerType() {
                        return null;
                    }
                });
        Tree deep = new Tree("a", List.of(new Tree("b", List.of(new Tree("c", List.of(new Tree("d", List.of())))))));

        assertThatThrownBy(() -> small.decode(manyLines, List.class))
                .isInstanceOf(InternalException.class); // a raw List has no Avro form
        assertThatThrownBy(() -> small.decode(codec.encode(deep, Tree.class), Tree.class))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("maxNestingDepth");
    }

    @Test
    void anAbsentComponentIsReportedAsNullForTheNullRule() {
        assertThat(codec.decode(codec.encode(new Line(null, 1), Line.class), Line.class)).isEqualTo(new Line(null, 1));
    }
}
