package io.courier.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import io.courier.spi.Codec;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
    enum Size { SMALL, LARGE }

    record Item(String sku, int quantity, Size size) {
    }

    record Order(long id, String customer, List<Item> items, Map<String, BigDecimal> totals,
                 Optional<String> note, Instant createdAt, LocalDate due, Duration prepTime) {
    }

    record Wrapper(Object payload) {
    }

    record Checked(int count) {
        Checked {
            if (count < 0) {
                throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
            }
        }
    }

    /** Counts its instances: a payload naming it must never create one. */
    public static final class Canary {
        static final AtomicInteger CREATED = new AtomicInteger();

        public Canary() {
            CREATED.incrementAndGet();
        }
    }

    private final JsonCodec codec = JsonCodec.create();

    private Object decode(String json, Type type) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8), type);
    }

    private String encode(Object value, Type type) {
        return new String(codec.encode(value, type), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private <T> T roundTrip(T value, Type type) {
        return (T) codec.decode(codec.encode(value, type), type);
    }

    private static Type typeOf(String field) throws NoSuchFieldException {
        return Types.class.getDeclaredField(field).getGenericType();
    }

    @SuppressWarnings("unused")
    private static final class Types {
        List<Item> items;
        Map<String, Item> itemsByName;
        Optional<Item> maybeItem;
        List<Map<String, List<Integer>>> nested;
    }

    @Test
    void isFoundByServiceLoaderForApplicationJson() {
        List<Codec> codecs = ServiceLoader.load(Codec.class).stream().map(ServiceLoader.Provider::get).toList();
        assertThat(codecs).anySatisfy(c -> {
            assertThat(c).isInstanceOf(JsonCodec.class);
            assertThat(c.mediaType()).isEqualTo("application/json");
        });
    }

    @Test
    void roundTripsARecordWithNestedValuesOptionalAndTime() {
        Order order = new Order(7, "Zoë", List.of(new Item("a-1", 2, Size.SMALL), new Item("b-2", 1, Size.LARGE)),
                Map.of("net", new BigDecimal("10.50")), Optional.of("ring twice"),
                Instant.parse("2024-05-01T10:15:30.123Z"), LocalDate.of(2024, 5, 2), Duration.ofMillis(1500));
        assertThat(roundTrip(order, Order.class)).isEqualTo(order);
        Order empty = new Order(8, null, List.of(), Map.of(), Optional.empty(), null, null, null);
        assertThat(roundTrip(empty, Order.class)).isEqualTo(empty);
    }

    @Test
    void writesTimeAsIsoStringsAndAbsentOptionalAsNull() {
        Order order = new Order(1, "c", List.of(), Map.of(), Optional.empty(),
                Instant.parse("2024-05-01T10:15:30Z"), LocalDate.of(2024, 5, 2), Duration.ofMillis(1500));
        String json = encode(order, Order.class);
        assertThat(json).contains("\"createdAt\":\"2024-05-01T10:15:30Z\"", "\"due\":\"2024-05-02\"",
                "\"prepTime\":\"PT1.5S\"", "\"note\":null");
    }

    @Test
    void roundTripsGenericCollectionsMapsAndOptionals() throws Exception {
        List<Item> items = List.of(new Item("x", 1, Size.SMALL));
        assertThat(roundTrip(items, typeOf("items"))).isEqualTo(items);
        Map<String, Item> byName = new LinkedHashMap<>();
        byName.put("first", new Item("x", 1, null));
        byName.put("second", new Item("y", 2, Size.LARGE));
        assertThat(roundTrip(byName, typeOf("itemsByName"))).isEqualTo(byName);
        assertThat(roundTrip(Optional.of(new Item("z", 3, null)), typeOf("maybeItem")))
                .isEqualTo(Optional.of(new Item("z", 3, null)));
        assertThat(decode("null", typeOf("maybeItem"))).isEqualTo(Optional.empty());
        List<Map<String, List<Integer>>> nested = List.of(Map.of("a", List.of(1, 2, 3)), Map.of());
        assertThat(roundTrip(nested, typeOf("nested"))).isEqualTo(nested);
        assertThat(((Item) decode("{\"sku\":\"x\",\"quantity\":1}", Item.class)).sku()).isEqualTo("x");
    }

    @Test
    void roundTripsScalarsEnumsAndUnicode() {
        assertThat(roundTrip(42, int.class)).isEqualTo(42);
        assertThat(roundTrip(Long.MAX_VALUE, Long.class)).isEqualTo(Long.MAX_VALUE);
        assertThat(roundTrip(true, boolean.class)).isEqualTo(true);
        assertThat(roundTrip(Size.LARGE, Size.class)).isEqualTo(Size.LARGE);
        String unicode = "naïve café – 日本語 – 🚀 – \u0000 \" \\ \n";
        assertThat(roundTrip(unicode, String.class)).isEqualTo(unicode);
        assertThat(decode("1", double.class)).isEqualTo(1.0);
    }

    @Test
    void roundTripsAnEightMebibyteString() {
        String big = "ü".repeat(4 * 1024 * 1024) + "x".repeat(1024);
        byte[] bytes = codec.encode(new Item(big, 1, Size.SMALL), Item.class);
        assertThat(bytes.length).isGreaterThan(8 * 1024 * 1024);
        assertThat(((Item) codec.decode(bytes, Item.class)).sku()).isEqualTo(big);
    }

    @Test
    void ignoresUnknownProperties() {
        Item item = (Item) decode("{\"sku\":\"x\",\"colour\":\"red\",\"extra\":{\"deep\":[1,2]},\"quantity\":3}", Item.class);
        assertThat(item).isEqualTo(new Item("x", 3, null));
    }

    @Test
    void neverInstantiatesAClassNamedByThePayload() {
        String canary = Canary.class.getName();
        Object asObject = decode("{\"@class\":\"" + canary + "\"}", Object.class);
        assertThat(asObject).isInstanceOf(Map.class);
        Object asArray = decode("[\"" + canary + "\",{}]", Object.class);
        assertThat(asArray).isInstanceOf(List.class);
        Wrapper wrapper = (Wrapper) decode("{\"payload\":{\"@type\":\"" + canary + "\",\"@c\":\"" + canary
                + "\"}}", Wrapper.class);
        assertThat(wrapper.payload()).isInstanceOf(Map.class);
        Item item = (Item) decode("{\"@class\":\"" + canary + "\",\"sku\":\"s\",\"quantity\":1}", Item.class);
        assertThat(item.sku()).isEqualTo("s");
        assertThat(Canary.CREATED).hasValue(0);
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertThatThrownBy(() -> decode("{\"sku\": \"x\",\n  \"quantity\": }", Item.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("body: malformed JSON at line 2, column 15: ")
                .satisfies(e -> assertNoInternals(e.getMessage()));
        assertThatThrownBy(() -> decode("{\"sku\": \"x\"", Item.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("body: malformed JSON at line 1")
                .hasMessageContaining("unexpected end of input")
                .satisfies(e -> assertNoInternals(e.getMessage()));
        assertThatThrownBy(() -> decode("{\"id\": 1, \"items\": [}", Order.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("body: malformed JSON at line 1, column 21: Unexpected close marker '}': expected ']'");
        assertThatThrownBy(() -> decode("{\"sku\": NaN}", Item.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("body: malformed JSON at line 1, column ")
                .satisfies(e -> assertNoInternals(e.getMessage()));
    }

    @Test
    void emptyAndTrailingInputAreRejected() {
        assertThatThrownBy(() -> decode("", Item.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("body: empty (expected: a JSON value)");
        assertThatThrownBy(() -> decode("  \n ", Item.class)).hasMessage("body: empty (expected: a JSON value)");
        assertThatThrownBy(() -> decode("{\"sku\":\"x\",\"quantity\":1} {}", Item.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("unexpected an object after the JSON value")
                .hasMessageEndingWith("(expected: one JSON value)");
    }

    @Test
    void wrongTypesNameTheJsonPath() {
        String json = "{\"id\":1,\"items\":[{\"sku\":\"a\",\"quantity\":1},{\"sku\":\"b\",\"quantity\":2},"
                + "{\"sku\":\"c\",\"quantity\":\"abc\"}]}";
        assertThatThrownBy(() -> decode(json, Order.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("body: $.items[2].quantity: \"abc\" (expected: an integer)");
        assertThatThrownBy(() -> decode("{\"id\":\"x\"}", Order.class))
                .hasMessage("body: $.id: \"x\" (expected: an integer)");
        assertThatThrownBy(() -> decode("{\"items\":{}}", Order.class))
                .hasMessage("body: $.items: an object (expected: an array)");
        assertThatThrownBy(() -> decode("{\"createdAt\":\"yesterday\"}", Order.class))
                .hasMessage("body: $.createdAt: \"yesterday\" (expected: an ISO-8601 Instant string)");
        assertThatThrownBy(() -> decode("{\"totals\":{\"net\":true}}", Order.class))
                .hasMessage("body: $.totals.net: true (expected: a number)");
        assertThatThrownBy(() -> decode("{\"totals\":{\"two words\":\"1\"}}", Order.class))
                .hasMessage("body: $.totals['two words']: \"1\" (expected: a number)");
        assertThatThrownBy(() -> decode("[1, 2, \"three\"]", int[].class))
                .hasMessage("body: $[2]: \"three\" (expected: an integer)");
    }

    /**
     * Jackson decodes base64 while it reads the string and reported what it had read when it
     * stopped (or the token after the string) as the value, with "an array" as what was expected.
     */
    @Test
    void bytesThatAreNotBase64AreNamedAsSuch() {
        record Blob(byte[] data, String note) {
        }
        String expected = "body: $.data: a string that is not base64 (expected: a base64 string, padded with '=')";
        assertThatThrownBy(() -> decode("{\"data\":\"!!!\"}", Blob.class))
                .isInstanceOf(InvalidArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> decode("{\"data\":\"AQ\"}", Blob.class)).hasMessage(expected);
        assertThatThrownBy(() -> decode("{\"data\":\"A\",\"note\":\"x\"}", Blob.class)).hasMessage(expected);
        assertThatThrownBy(() -> decode("\"@@@@\"", byte[].class))
                .hasMessage("body: $: a string that is not base64 (expected: a base64 string, padded with '=')");
        assertThatThrownBy(() -> decode("{\"data\":true}", Blob.class))
                .hasMessage("body: $.data: true (expected: a base64 string, padded with '=')");
        assertThat(((Blob) decode("{\"data\":\"AQI=\"}", Blob.class)).data()).containsExactly(1, 2);
    }

    @Test
    void scalarsAreNotCoerced() {
        assertThatThrownBy(() -> decode("{\"sku\":\"a\",\"quantity\":\"42\"}", Item.class))
                .hasMessage("body: $.quantity: \"42\" (expected: an integer)");
        assertThatThrownBy(() -> decode("{\"sku\":\"a\",\"quantity\":1.5}", Item.class))
                .hasMessage("body: $.quantity: 1.5 (expected: an integer)");
        assertThatThrownBy(() -> decode("{\"sku\":42,\"quantity\":1}", Item.class))
                .hasMessage("body: $.sku: 42 (expected: a string)");
        assertThatThrownBy(() -> decode("{\"sku\":true,\"quantity\":1}", Item.class))
                .hasMessage("body: $.sku: true (expected: a string)");
        assertThatThrownBy(() -> decode("1", boolean.class))
                .hasMessage("body: $: 1 (expected: true or false)");
        assertThatThrownBy(() -> decode("\"true\"", Boolean.class))
                .hasMessage("body: $: \"true\" (expected: true or false)");
        assertThatThrownBy(() -> decode("{\"sku\":\"a\",\"quantity\":99999999999}", Item.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("body: $.quantity: 99999999999 (expected: an integer from -2147483648 to 2147483647)");
        assertThatThrownBy(() -> decode("99999999999", int.class))
                .hasMessage("body: $: 99999999999 (expected: an integer from -2147483648 to 2147483647)");
    }

    @Test
    void numbersAndUnknownNamesForEnumsAreRejected() {
        assertThatThrownBy(() -> decode("{\"sku\":\"a\",\"quantity\":1,\"size\":1}", Item.class))
                .hasMessage("body: $.size: 1 (expected: one of [SMALL, LARGE])");
        assertThatThrownBy(() -> decode("{\"sku\":\"a\",\"quantity\":1,\"size\":\"HUGE\"}", Item.class))
                .hasMessage("body: $.size: \"HUGE\" (expected: one of [SMALL, LARGE])");
    }

    @Test
    void missingPropertiesAreNullAndMissingPrimitivesTheirDefault() {
        assertThat(decode("{\"quantity\":0}", Item.class)).isEqualTo(new Item(null, 0, null));
        assertThat(decode("{\"id\":1}", Order.class)).isEqualTo(new Order(1, null, null, null, Optional.empty(), null,
                null, null));
        // An older writer that never knew the field, or one that sends null: the reader sees 0.
        assertThat(decode("{\"sku\":\"a\"}", Item.class)).isEqualTo(new Item("a", 0, null));
        assertThat(decode("{\"sku\":\"a\",\"quantity\":null}", Item.class)).isEqualTo(new Item("a", 0, null));
    }

    @Test
    void constructorRejectionsNameThePathAndReason() {
        assertThatThrownBy(() -> decode("{\"count\":-1}", Checked.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("body: $: invalid Checked: count: -1 (expected: >= 0)");
    }

    @Test
    void readerAndWriterAreCachedPerType() {
        for (int i = 0; i < 3; i++) {
            assertThat(roundTrip(new Item("x", i, null), Item.class)).isEqualTo(new Item("x", i, null));
        }
    }

    private static void assertNoInternals(String message) {
        assertThat(message).doesNotContain("com.fasterxml", "jackson", "Jackson", "Source:", "Feature", "\n\tat ");
    }
}
