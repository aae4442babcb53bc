package io.courier.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.contract.InvalidContractException;
import io.courier.protobuf.Fixtures.Boxes;
import io.courier.protobuf.Fixtures.Color;
import io.courier.protobuf.Fixtures.Item;
import io.courier.protobuf.Fixtures.Order;
import io.courier.protobuf.Fixtures.Priority;
import io.courier.protobuf.Fixtures.Scalars;
import io.courier.protobuf.Fixtures.Tree;
import io.courier.protobuf.generated.Greeting;
import io.courier.protobuf.generated.Mood;
import io.courier.spi.Codec;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProtobufCodecTest {
    private final ProtobufCodec codec = ProtobufCodec.create();

    private Object roundTrip(Object value, Type type) {
        return codec.decode(codec.encode(value, type), type);
    }

    private static Type typeOf(String method) {
        try {
            return Signatures.class.getDeclaredMethod(method).getGenericReturnType();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /** Generic types, declared where reflection can read them. */
    interface Signatures {
        List<Item> items();

        Map<String, Item> index();

        Optional<LocalDate> due();

        List<String> names();

        Set<Color> colors();
    }

    record Everything(Order order, Tree tree, Boxes boxes, Scalars scalars) {
    }

    record Times(Instant at, Duration took, LocalDate day, LocalDateTime local, OffsetDateTime offset,
                 ZonedDateTime zoned, BigDecimal amount, BigInteger big, UUID id) {
    }

    record Checked(String name, int size) {
        Checked {
            if (size < 0) {
                throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
            }
        }
    }

    record WithGenerated(String id, Greeting greeting, List<Greeting> more) {
    }

    record Sparse(@Field(7) String seven, @Field(536_870_911) long last, @Field(1) int first) {
    }

    record Clash(@Field(1) String a, @Field(1) String b) {
    }

    record Nested(List<List<String>> lists) {
    }

    record FloatKeys(Map<Double, String> byRatio) {
    }

    record Raw(ArrayList<String> names) {
    }

    record Objects(Object anything) {
    }

    @Test
    void isFoundByServiceLoaderAndNamesItsMediaType() {
        assertThat(ServiceLoader.load(Codec.class).stream().map(ServiceLoader.Provider::type))
                .contains(ProtobufCodec.class);
        assertThat(codec.mediaType()).isEqualTo("application/x-protobuf");
        assertThat(ProtobufCodec.builder().mediaType("application/grpc+proto").build().mediaType())
                .isEqualTo("application/grpc+proto");
        assertThatThrownBy(() -> ProtobufCodec.builder().mediaType("grpc; charset=x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mediaType: grpc; charset=x");
    }

    @Test
    void recordsOfEveryShapeRoundTrip() {
        Order order = new Order("o-1", List.of(new Item("a", 2, Color.GREEN), new Item("", 0, Color.RED)),
                Map.of("x", 1), Optional.of(""), Instant.parse("2024-05-01T10:15:30.123456789Z"),
                Duration.ofMillis(-1500), LocalDate.of(2024, 2, 29), new BigDecimal("12.30"), new UUID(7, 9),
                Priority.HIGH, Set.of(Color.BLUE), new Item("m", -5, Color.BLUE), List.of(0L, -1L, Long.MAX_VALUE),
                Map.of(0L, new Item("zero", 0, Color.RED)), Optional.of(0), List.of("", "b"), List.of(-0.0, 1.5),
                Map.of(new UUID(1, 1), Priority.URGENT), Optional.of(new Item("", 0, Color.RED)),
                List.of(new byte[] {1, 2}, new byte[0]));
        Tree tree = new Tree("root", List.of(new Tree("a", List.of()), new Tree("b", List.of(new Tree("c", List.of())))));
        Boxes boxes = new Boxes(0, null, false, -0.0, null, (short) -3);
        Scalars scalars = new Scalars(-1, Long.MIN_VALUE, true, Double.NaN, Float.MIN_VALUE, "héllo 😀",
                new byte[] {0, -1}, Short.MIN_VALUE, Byte.MAX_VALUE, 'z');
        Everything all = new Everything(order, tree, boxes, scalars);
        assertThat(roundTrip(all, Everything.class)).usingRecursiveComparison(DynamicMessagePropertyTest.EXACT)
                .isEqualTo(all);
    }

    @Test
    void defaultsAndAbsenceAreDistinguishedWhereJavaCan() {
        Boxes zeros = new Boxes(0, 0L, false, 0.0, 0.0f, (short) 0);
        Boxes nulls = new Boxes(null, null, null, null, null, null);
        assertThat(roundTrip(zeros, Boxes.class)).isEqualTo(zeros);
        assertThat(roundTrip(nulls, Boxes.class)).isEqualTo(nulls);
        assertThat(codec.encode(nulls, Boxes.class)).isEmpty();
        // A plain field leaves its default out, so null and "" read back as "".
        Item item = new Item(null, 0, null);
        assertThat(codec.encode(item, Item.class)).isEmpty();
        assertThat(roundTrip(item, Item.class)).isEqualTo(new Item("", 0, Color.RED));
    }

    @Test
    void timesAndTextTypesRoundTrip() {
        Times t = new Times(Instant.parse("0001-01-01T00:00:00Z"), Duration.ofSeconds(-3, 1),
                LocalDate.of(-44, 3, 15), LocalDateTime.of(2024, 5, 1, 10, 15, 30, 5),
                OffsetDateTime.parse("2024-05-01T10:15:30+02:00"), ZonedDateTime.parse("2024-05-01T10:15:30+02:00[Europe/Paris]"),
                new BigDecimal("-1.000E+5"), new BigInteger("123456789012345678901234567890"), UUID.randomUUID());
        assertThat(roundTrip(t, Times.class)).isEqualTo(t);
        Times empty = new Times(null, null, null, null, null, null, null, null, null);
        assertThat(roundTrip(empty, Times.class)).isEqualTo(empty);
    }

    @Test
    void durationsKeepTheSignOfSecondsInNanos() throws Exception {
        byte[] bytes = codec.encode(new Times(null, Duration.ofMillis(-1500), null, null, null, null, null, null, null),
                Times.class);
        // Field 2 is the Duration; inside it, seconds -1 and nanos -500,000,000 as Protobuf specifies.
        com.google.protobuf.Duration d = com.google.protobuf.Duration.parseFrom(
                com.google.protobuf.CodedInputStream.newInstance(bytes, 2, bytes.length - 2));
        assertThat(d.getSeconds()).isEqualTo(-1);
        assertThat(d.getNanos()).isEqualTo(-500_000_000);
    }

    @Test
    void topLevelNonMessagesTravelInAWrapperWithFieldOne() throws Exception {
        assertThat(roundTrip("hello", String.class)).isEqualTo("hello");
        assertThat(com.google.protobuf.StringValue.parseFrom(codec.encode("hello", String.class)).getValue())
                .isEqualTo("hello");
        assertThat(com.google.protobuf.Int64Value.parseFrom(codec.encode(-7L, long.class)).getValue()).isEqualTo(-7L);
        assertThat(roundTrip(-7L, long.class)).isEqualTo(-7L);
        assertThat(roundTrip(42, Integer.class)).isEqualTo(42);
        assertThat(roundTrip(null, Integer.class)).isNull();
        assertThat(roundTrip(Color.BLUE, Color.class)).isEqualTo(Color.BLUE);
        List<Item> items = List.of(new Item("a", 1, Color.RED), new Item("b", 2, Color.GREEN));
        assertThat(roundTrip(items, typeOf("items"))).isEqualTo(items);
        Map<String, Item> index = new LinkedHashMap<>();
        index.put("b", new Item("b", 2, Color.BLUE));
        index.put("a", new Item("a", 1, Color.RED));
        @SuppressWarnings("unchecked")
        Map<String, Item> decoded = (Map<String, Item>) roundTrip(index, typeOf("index"));
        assertThat(decoded).containsExactlyEntriesOf(index);
        assertThat(roundTrip(Optional.of(LocalDate.of(2024, 5, 1)), typeOf("due"))).isEqualTo(Optional.of(LocalDate.of(2024, 5, 1)));
        assertThat(roundTrip(Optional.empty(), typeOf("due"))).isEqualTo(Optional.empty());
        assertThat(roundTrip(Set.of(Color.RED), typeOf("colors"))).isEqualTo(Set.of(Color.RED));
        assertThat(codec.encode(null, void.class)).isEmpty();
        assertThat(codec.decode(new byte[0], void.class)).isNull();
        assertThat(codec.encode(null, Item.class)).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void decodedCollectionsAreUnmodifiable() {
        Object names = roundTrip(List.of("a"), typeOf("names"));
        assertThatThrownBy(() -> ((List<Object>) names).add("b")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void valueWithoutDeclaredTypeUsesItsClass() {
        Item item = new Item("a", 1, Color.GREEN);
        assertThat(codec.decode(codec.encode(item, Object.class), Item.class)).isEqualTo(item);
    }

    @Test
    void protocGeneratedMessagesTravelAsThemselves() {
        Greeting g = Greeting.newBuilder().setText("hi").setCount(3).addTags("x").putScores("s", -1L)
                .setMood(Mood.MOOD_HAPPY).build();
        assertThat(codec.encode(g, Greeting.class)).isEqualTo(g.toByteArray());
        assertThat(roundTrip(g, Greeting.class)).isEqualTo(g);

        WithGenerated w = new WithGenerated("id", g, List.of(g, Greeting.getDefaultInstance()));
        assertThat(roundTrip(w, WithGenerated.class)).isEqualTo(w);
    }

    @Test
    void fieldNumbersComeFromFieldAnnotationsInAnyOrder() {
        Sparse s = new Sparse("s", 9L, 1);
        byte[] bytes = codec.encode(s, Sparse.class);
        // Written by number: field 1 (varint 1), field 7 (string "s"), then field 536870911.
        assertThat(HexFormat.of().formatHex(bytes)).startsWith("0801" + "3a0173");
        assertThat(roundTrip(s, Sparse.class)).isEqualTo(s);
    }

    @Test
    void recordsDeclaredAsFieldOrderWriteTheKnownBytes() {
        // Item("a", 150, GREEN): field 1 string "a", field 2 varint 150, field 3 enum 1.
        assertThat(HexFormat.of().formatHex(codec.encode(new Item("a", 150, Color.GREEN), Item.class)))
                .isEqualTo("0a0161" + "109601" + "1801");
        // A List<Long> alone: wrapper field 1, packed: tag 0x0a, length 2, values 1 and 2.
        assertThat(HexFormat.of().formatHex(codec.encode(List.of(1L, 2L), typeOfLongs()))).isEqualTo("0a020102");
    }

    interface Longs {
        List<Long> longs();
    }

    private static Type typeOfLongs() {
        try {
            return Longs.class.getDeclaredMethod("longs").getGenericReturnType();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRecordConstructorsRefusalIsTheCallersError() {
        byte[] bytes = codec.encode(new Item("n", -1, Color.RED), Item.class);
        assertThatThrownBy(() -> codec.decode(bytes, Checked.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("protobuf body: Checked: rejected by the constructor: size: -1 (expected: >= 0)");
    }

    @Test
    void unsupportedTypesAreNamedWhenTheCodecIsBuilt() {
        assertThatThrownBy(() -> codec.encode(new Clash("a", "b"), Clash.class))
                .isInstanceOf(InvalidContractException.class)
                .hasMessageContaining("Clash.b: field number 1 is also a");
        assertThatThrownBy(() -> codec.decode(new byte[0], Nested.class))
                .isInstanceOf(InvalidContractException.class)
                .hasMessageContaining("Nested.lists: type List<String> nested in a collection");
        assertThatThrownBy(() -> codec.decode(new byte[0], FloatKeys.class))
                .isInstanceOf(InvalidContractException.class).hasMessageContaining("FloatKeys.byRatio: map key Double");
        assertThatThrownBy(() -> codec.decode(new byte[0], Raw.class))
                .isInstanceOf(InvalidContractException.class).hasMessageContaining("the interface List");
        assertThatThrownBy(() -> codec.decode(new byte[0], Objects.class))
                .isInstanceOf(InvalidContractException.class)
                .hasMessageContaining("Objects.anything: type Object (expected: a record");
    }

    @Test
    void valuesThatCannotBeWrittenAreTheServersError() {
        List<Item> items = new ArrayList<>();
        items.add(null);
        assertThatThrownBy(() -> codec.encode(items, typeOf("items")))
                .isInstanceOf(InternalException.class)
                .hasMessage("protobuf: cannot encode List<Item>.value: a null element (expected: no nulls in a repeated field)");
        assertThatThrownBy(() -> codec.encode(Instant.MAX, Instant.class))
                .isInstanceOf(InternalException.class).hasMessageContaining("out of the Timestamp range");
    }
}
