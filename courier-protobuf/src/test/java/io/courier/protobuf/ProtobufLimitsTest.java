package io.courier.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.courier.InvalidArgumentException;
import io.courier.Limits;
import io.courier.spi.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Hostile messages fail fast with the limit they passed, named; values within the limits still decode. */
class ProtobufLimitsTest {
    record Money(BigDecimal amount, String currency) {
    }

    record Order(String customer, Money amount) {
    }

    record Count(BigInteger count) {
    }

    record Nest(List<Nest> children) {
    }

    record Numbers(List<Integer> values, Map<String, Integer> named) {
    }

    record Blob(byte[] data) {
    }

    private final ProtobufCodec codec = ProtobufCodec.create();

    @Test
    void aDecimalWithAHugeExponentIsRefusedByItsScale() {
        byte[] order = message(out -> {
            string(out, 1, "ann");
            nested(out, 2, message(m -> string(m, 1, "1e10000000")));
        });
        failsFast(codec, order, Order.class).hasMessage("protobuf body: Order.amount (field 2) > Money.amount (field 1):"
                + " scale -10000000 exceeds the limit 1000 (maxDecimalScale)");
    }

    @Test
    void aNumberOfTenMillionDigitsIsRefusedByItsLength() {
        String digits = "7".repeat(10_000_000);
        failsFast(codec, message(out -> string(out, 1, digits)), Money.class)
                .hasMessage("protobuf body: Money.amount (field 1): a number of 10000000 characters exceeds the limit 1000"
                        + " (maxNumberLength)");
        failsFast(codec, message(out -> string(out, 1, digits)), Count.class).hasMessageContaining("(maxNumberLength)");
    }

    @Test
    void deepNestingIsRefused() {
        int levels = 100_000;
        // Inner sizes first, so the message is written in one pass rather than copied per level.
        int[] size = new int[levels + 1];
        for (int i = levels - 1; i >= 0; i--) {
            size[i] = 1 + CodedOutputStream.computeUInt32SizeNoTag(size[i + 1]) + size[i + 1];
        }
        byte[] deep = message(out -> {
            write(() -> {
                for (int i = 0; i < levels; i++) {
                    out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(size[i + 1]);
                }
            });
        });
        failsFast(codec, deep, Nest.class)
                .hasMessageStartingWith("protobuf body: Nest.children (field 1) > Nest.children (field 1) >")
                .hasMessageContaining("(95 more)")
                .hasMessageEndingWith("nesting of 101 levels exceeds the limit 100 (maxNestingDepth)");
    }

    @Test
    void aHugeStringOrByteStringIsRefused() {
        failsFast(codec.withLimits(Limits.builder().maxStringLength(8 * 1024 * 1024).build()), message(out -> string(out, 2, "x".repeat(9_000_000))), Money.class)
                .hasMessage("protobuf body: Money.currency (field 2): a string of 9000000 characters exceeds the limit"
                        + " 8388608 (maxStringLength)");
        Codec small = codec.withLimits(Limits.builder().maxStringLength(4).build());
        failsFast(small, message(out -> write(() -> out.writeByteArray(1, new byte[5]))), Blob.class)
                .hasMessage("protobuf body: Blob.data (field 1): a string of 5 characters exceeds the limit 4 (maxStringLength)");
        assertThat(((Blob) small.decode(message(out -> write(() -> out.writeByteArray(1, new byte[4]))), Blob.class))
                .data()).hasSize(4);
    }

    @Test
    void aHugeRepeatedFieldOrMapIsRefused() {
        byte[] packed = message(out -> write(() -> {
            out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(1_000_001);
            for (int i = 0; i <= 1_000_000; i++) {
                out.writeInt32NoTag(0);
            }
        }));
        failsFast(codec, packed, Numbers.class).hasMessage("protobuf body: Numbers.values (field 1): 1000001 elements"
                + " exceeds the limit 1000000 (maxElements)");
        Codec small = codec.withLimits(Limits.builder().maxElements(2).build());
        byte[] map = small.encode(new Numbers(List.of(), Map.of("a", 1, "b", 2, "c", 3)), Numbers.class);
        failsFast(small, map, Numbers.class).hasMessage("protobuf body: Numbers.named (field 2): 3 elements exceeds the"
                + " limit 2 (maxElements)");
        byte[] unpacked = message(out -> write(() -> {
            for (int i = 0; i < 3; i++) {
                out.writeInt32(1, i); // the unpacked form, which a reader must accept too
            }
        }));
        failsFast(small, unpacked, Numbers.class).hasMessageContaining("3 elements exceeds the limit 2 (maxElements)");
        assertThat(small.decode(small.encode(new Numbers(List.of(1, 2), Map.of()), Numbers.class), Numbers.class))
                .isEqualTo(new Numbers(List.of(1, 2), Map.of()));
    }

    @Test
    void aMessageLargerThanTheDecodeLimitIsRefusedBeforeParsing() {
        Codec small = codec.withLimits(Limits.builder().maxDecodedBytes(8).build());
        failsFast(small, message(out -> string(out, 2, "euro-dollar")), Money.class)
                .hasMessage("protobuf body: Money: 13 bytes exceeds the limit 8 (maxDecodedBytes)");
    }

    @Test
    void limitsAreConfigurableAndValuesWithinThemDecode() {
        Codec strict = codec.withLimits(Limits.builder().maxDecimalScale(2).build());
        failsFast(strict, message(out -> string(out, 1, "1.234")), Money.class)
                .hasMessage("protobuf body: Money.amount (field 1): scale 3 exceeds the limit 2 (maxDecimalScale)");
        assertThat(strict.decode(message(out -> string(out, 1, "1.23")), Money.class))
                .isEqualTo(new Money(new BigDecimal("1.23"), ""));
        Money big = (Money) codec.decode(message(out -> string(out, 1, "1E+1000")), Money.class);
        assertThat(big.amount().scale()).isEqualTo(-1000);
    }

    @Test
    void decimalsAreWrittenCompactly() {
        Money huge = new Money(new BigDecimal("1e10000000"), "EUR");
        byte[] bytes = codec.encode(huge, Money.class);
        assertThat(bytes).hasSizeLessThan(32);
        failsFast(codec, bytes, Money.class).hasMessageContaining("scale -10000000 exceeds the limit 1000");
        Money decoded = (Money) codec.withLimits(Limits.builder().maxDecimalScale(10_000_000).build()).decode(bytes, Money.class);
        assertThat(decoded.amount()).isEqualTo(huge.amount());
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> failsFast(Codec codec, byte[] bytes, Type type) {
        Throwable[] thrown = new Throwable[1];
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                codec.decode(bytes, type);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        return assertThatThrownBy(() -> {
            if (thrown[0] != null) {
                throw thrown[0];
            }
        }).isInstanceOf(InvalidArgumentException.class);
    }

    private interface Write {
        void run() throws IOException;
    }

    private static void write(Write w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] message(Consumer<CodedOutputStream> body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        body.accept(out);
        write(out::flush);
        return bytes.toByteArray();
    }

    private static void string(CodedOutputStream out, int field, String value) {
        write(() -> out.writeString(field, value));
    }

    private static void nested(CodedOutputStream out, int field, byte[] message) {
        write(() -> out.writeByteArray(field, message));
    }
}
