package io.courier.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import io.courier.protobuf.Fixtures.Color;
import io.courier.protobuf.Fixtures.Item;
import io.courier.protobuf.Fixtures.Order;
import io.courier.protobuf.Fixtures.Scalars;
import io.courier.protobuf.Fixtures.Shop;
import io.courier.protobuf.Fixtures.Tree;
import io.courier.protobuf.generated.Greeting;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad bytes give InvalidArgumentException naming the record and field, never protobuf-java's internals. */
class InvalidBytesTest {
    private final ProtobufCodec codec = ProtobufCodec.create();

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private void assertInvalid(String hex, Type type, String message) {
        assertThatThrownBy(() -> codec.decode(hex(hex), type))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void aStringCutShortNamesItsField() {
        assertInvalid("0a 05 61 62", Item.class,
                "protobuf body: Item.sku (field 1): the input ends inside a field (expected: a complete message)");
    }

    @Test
    void aLengthBeyondTheInputNamesTheNestedField() {
        // Order.items (field 2) claims an Item of 9 bytes but has 3.
        assertInvalid("12 09 0a 01 61", Order.class,
                "protobuf body: Order.items (field 2): the input ends inside a field (expected: a complete message)");
        // The Item itself is whole (3 bytes), the string inside it is not.
        assertInvalid("12 03 0a 02 61", Order.class,
                "protobuf body: Order.items (field 2) > Item.sku (field 1): the input ends inside a field"
                        + " (expected: a complete message)");
    }

    @Test
    void aLengthPastAnInt32IsRefusedAsOutOfRange() {
        // 4294967295 as sent; Protobuf lengths are int32, so protobuf-java reads -1.
        assertInvalid("0a ff ff ff ff 0f", Item.class, "protobuf body: Item.sku (field 1): a length of 2^31 bytes or"
                + " more, or negative (expected: a length of 0 to 2147483647 bytes)");
        // A negative int64 written as a length, ten bytes.
        assertInvalid("0a ff ff ff ff ff ff ff ff ff 01", Item.class, "protobuf body: Item.sku (field 1): a length of"
                + " 2^31 bytes or more, or negative (expected: a length of 0 to 2147483647 bytes)");
    }

    @Test
    void aWrongWireTypeNamesWhatWasExpected() {
        assertInvalid("12 01 61", Item.class, "protobuf body: Item.quantity (field 2): wire type 2 (length-delimited)"
                + " (expected: 0 (varint) for int32)");
        assertInvalid("12 02 10 2a 12 03 15 00 00", Order.class, "protobuf body: Order.items (field 2) > Item.quantity"
                + " (field 2): wire type 5 (32-bit) (expected: 0 (varint) for int32)");
        assertInvalid("1a 05 0a 01", Order.class, "protobuf body: Order.counts (field 3): the input ends inside a field"
                + " (expected: a complete message)");
        assertInvalid("1a 01 08", Order.class, "protobuf body: Order.counts (field 3): wire type 0 (varint) (expected:"
                + " 2 (length-delimited) for string)");
        assertInvalid("18 01", Order.class, "protobuf body: Order.counts (field 3): wire type 0 (varint) (expected:"
                + " 2 (length-delimited) for a map entry)");
    }

    @Test
    void malformedVarintsFieldZeroAndBadUtf8AreRefused() {
        assertInvalid("10 ff ff ff ff ff ff ff ff ff ff 01", Item.class,
                "protobuf body: Item.quantity (field 2): a malformed varint (expected: at most 10 bytes)");
        assertInvalid("00", Item.class, "protobuf body: Item: field number 0 (expected: a field number of 1 or more)");
        assertInvalid("0a 01 ff", Item.class,
                "protobuf body: Item.sku (field 1): a string that is not valid UTF-8 (expected: UTF-8 text)");
    }

    @Test
    void unbalancedGroupsAreRefused() {
        assertInvalid("4c", Item.class,
                "protobuf body: Item: an unbalanced group (expected: matching group start and end tags)");
        assertInvalid("4b 08 01", Item.class,
                "protobuf body: Item: an unbalanced group (expected: matching group start and end tags)");
        // A group of an unknown field, well formed, is skipped like any unknown field.
        assertThat(codec.decode(hex("4b 08 01 4c 10 02"), Item.class)).isEqualTo(new Item("", 2, Color.RED));
    }

    @Test
    void valuesOutOfTheirJavaRangeAreRefused() {
        // Scalars.sh (field 8) is a short: 70000 does not fit.
        assertInvalid("40 f0 a2 04", Scalars.class, "protobuf body: Scalars.sh (field 8): 70000 (expected: a short,"
                + " -32768 to 32767)");
        // Order.ref (field 10) is a UUID, Order.createdAt (field 6) a Timestamp.
        assertInvalid("52 03 61 62 63", Order.class,
                "protobuf body: Order.ref (field 10): \"abc\" (expected: a UUID such as 123e4567-e89b-12d3-a456-426614174000)");
        assertInvalid("32 06 10 80 94 eb dc 03", Order.class, "protobuf body: Order.createdAt (field 6): Timestamp"
                + " (0 s, 1000000000 ns) (expected: nanos 0 to 999999999, years 1 to 9999)");
    }

    @Test
    void nestingIsBoundedSoThatInputCannotOverflowTheStack() {
        Tree deep = new Tree("leaf", List.of());
        for (int i = 0; i < 150; i++) {
            deep = new Tree("n" + i, List.of(deep));
        }
        byte[] bytes = codec.encode(deep, Tree.class);
        assertThatThrownBy(() -> codec.decode(bytes, Tree.class))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("protobuf body: Tree.children (field 2) > Tree.children (field 2) >")
                .hasMessageEndingWith("nesting of 101 levels exceeds the limit 100 (maxNestingDepth)");

        Tree shallow = new Tree("leaf", List.of());
        for (int i = 0; i < 90; i++) {
            shallow = new Tree("n" + i, List.of(shallow));
        }
        assertThat(codec.decode(codec.encode(shallow, Tree.class), Tree.class)).isEqualTo(shallow);
    }

    @Test
    void generatedMessagesReportTheirOwnName() {
        assertInvalid("0a 05 61", Greeting.class,
                "protobuf body: Greeting: the input ends inside a field (expected: a complete message)");
    }

    @Test
    void requestMessagesNameTheParameter() {
        MethodCodec items = ProtoService.of(Shop.class).method("items").orElseThrow();
        assertThatThrownBy(() -> items.decodeRequest(hex("12 01 61")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("protobuf body: ItemsRequest.limit (field 2): wire type 2 (length-delimited)"
                        + " (expected: 0 (varint) for int32)");
    }

    @Test
    void everyPrefixOfAMessageDecodesOrIsRefusedCleanly() {
        Order order = new RandomValues(7).of(Order.class);
        byte[] bytes = codec.encode(order, Order.class);
        for (int n = 0; n < bytes.length; n++) {
            byte[] prefix = Arrays.copyOf(bytes, n);
            try {
                assertThat(codec.decode(prefix, Order.class)).isInstanceOf(Order.class);
            } catch (InvalidArgumentException e) {
                assertThat(e.getMessage()).startsWith("protobuf body: Order").doesNotContain("com.google", "Exception");
            }
        }
    }

    @Test
    void garbageNeverEscapesAsAnythingButInvalidArgument() {
        Random random = new Random(2024);
        int refused = 0;
        for (int run = 0; run < 3000; run++) {
            byte[] garbage = new byte[random.nextInt(40)];
            random.nextBytes(garbage);
            for (Class<?> type : List.of(Order.class, Scalars.class, Tree.class, Greeting.class)) {
                try {
                    codec.decode(garbage, type);
                } catch (InvalidArgumentException e) {
                    refused++;
                    assertThat(e.getMessage()).startsWith("protobuf body: ").doesNotContain("com.google", "Exception");
                }
            }
        }
        assertThat(refused).isGreaterThan(1000);
    }

    @Test
    void flippedBytesInAValidMessageNeverEscapeAsAnythingButInvalidArgument() {
        Random random = new Random(99);
        RandomValues values = new RandomValues(99);
        for (int run = 0; run < 500; run++) {
            byte[] bytes = codec.encode(values.of(Order.class), Order.class);
            if (bytes.length == 0) {
                continue;
            }
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt();
            try {
                codec.decode(bytes, Order.class);
            } catch (InvalidArgumentException e) {
                assertThat(e.getMessage()).startsWith("protobuf body: Order");
            }
        }
        assertThat(codec.decode(codec.encode(new Item("ok", 1, Color.RED), Item.class), Item.class))
                .isEqualTo(new Item("ok", 1, Color.RED));
        assertThat(Instant.EPOCH).isNotNull();
    }
}
