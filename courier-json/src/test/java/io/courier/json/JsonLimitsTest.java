package io.courier.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.courier.InvalidArgumentException;
import io.courier.Limits;
import io.courier.spi.Codec;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Hostile bodies fail fast with the limit they passed, named; values within the limits still decode. */
class JsonLimitsTest {
    record Order(String customer, Money amount) {
    }

    record Money(BigDecimal amount, String currency) {
    }

    record Count(BigInteger count) {
    }

    private static final Type INTEGERS = new com.fasterxml.jackson.core.type.TypeReference<List<Integer>>() { }.getType();
    private static final Type COUNTS = new com.fasterxml.jackson.core.type.TypeReference<Map<String, Integer>>() { }.getType();

    private final JsonCodec codec = JsonCodec.create();

    @Test
    void aDecimalWithAHugeExponentIsRefusedByItsScale() {
        failsFast(codec, "{\"customer\":\"ann\",\"amount\":{\"amount\":1e10000000,\"currency\":\"EUR\"}}", Order.class)
                .hasMessage("body: $.amount.amount: scale -10000000 exceeds the limit 1000 (maxDecimalScale)");
        failsFast(codec, "{\"amount\":1e-5000}", Money.class).hasMessageContaining("scale 5000 exceeds the limit 1000");
        failsFast(codec, "{\"amount\":1e99999999999}", Money.class)
                .hasMessage("body: $.amount: the scale of 1e99999999999 exceeds the limit 1000 (maxDecimalScale)");
    }

    @Test
    void aNumberOfTenMillionDigitsIsRefusedByItsLength() {
        String digits = "1".repeat(10_000_000);
        failsFast(codec, "{\"amount\":" + digits + "}", Money.class)
                .hasMessageContaining("body: $.amount: a number of ")
                .hasMessageContaining("exceeds the limit 1000 (maxNumberLength)");
        failsFast(codec, "{\"count\":" + digits + "}", Count.class).hasMessageContaining("(maxNumberLength)");
        failsFast(codec, "{\"amount\":0." + digits + "}", Money.class).hasMessageContaining("(maxNumberLength)");
    }

    @Test
    void deepNestingIsRefused() {
        failsFast(codec, "[".repeat(100_000), List.class)
                .hasMessageContaining("nesting of 101 levels exceeds the limit 100 (maxNestingDepth)");
        failsFast(codec, "{\"a\":".repeat(100_000), Map.class).hasMessageContaining("(maxNestingDepth)");
    }

    @Test
    void aHugeStringIsRefused() {
        failsFast(codec.withLimits(Limits.builder().maxStringLength(8 * 1024 * 1024).build()), "{\"customer\":\"" + "x".repeat(9_000_000) + "\"}", Order.class)
                .hasMessageContaining("exceeds the limit 8388608 (maxStringLength)");
        Codec small = codec.withLimits(Limits.builder().maxStringLength(10).build());
        failsFast(small, "{\"customer\":\"" + "x".repeat(11) + "\"}", Order.class)
                .hasMessage("body: $.customer: a string of 11 characters exceeds the limit 10 (maxStringLength)");
        assertThat(small.decode(bytes("{\"customer\":\"" + "x".repeat(10) + "\"}"), Order.class))
                .isEqualTo(new Order("x".repeat(10), null));
    }

    @Test
    void aHugeArrayOrObjectIsRefused() {
        StringBuilder zeros = new StringBuilder("[0");
        zeros.append(",0".repeat(1_000_000)).append(']');
        failsFast(codec, zeros.toString(), INTEGERS)
                .hasMessage("body: $: more than 1000000 elements exceeds the limit 1000000 (maxElements)");
        Codec small = codec.withLimits(Limits.builder().maxElements(3).build());
        failsFast(small, "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", COUNTS).hasMessageContaining("(maxElements)");
        failsFast(small, "{\"x\":{\"y\":[1,2,3,4]}}", Map.class)
                .hasMessage("body: $.x.y: more than 3 elements exceeds the limit 3 (maxElements)");
        assertThat(small.decode(bytes("[1,2,3]"), INTEGERS)).isEqualTo(List.of(1, 2, 3));
    }

    @Test
    void theElementLimitCountsEachContainerNotTheDocument() {
        Codec small = codec.withLimits(Limits.builder().maxElements(3).build());
        // Far more tokens than 3, each container within the limit.
        assertThat(small.decode(bytes("{\"a\":[1,2,3],\"b\":[[1,2,3],[4,5,6]],\"c\":{\"x\":1,\"y\":2,\"z\":3}}"), Map.class))
                .isEqualTo(Map.of("a", List.of(1, 2, 3), "b", List.of(List.of(1, 2, 3), List.of(4, 5, 6)),
                        "c", Map.of("x", 1, "y", 2, "z", 3)));
        failsFast(small, "[1,2,3,4]", INTEGERS).hasMessage("body: $: more than 3 elements exceeds the limit 3 (maxElements)");
        failsFast(small, "{\"a\":[1,2,3],\"b\":[[1,2,3],[4,5,6,7]]}", Map.class)
                .hasMessage("body: $.b[1]: more than 3 elements exceeds the limit 3 (maxElements)");
        Codec four = codec.withLimits(Limits.builder().maxElements(4).build());
        assertThat(four.decode(bytes("[1,2,3,4]"), INTEGERS)).isEqualTo(List.of(1, 2, 3, 4));
        failsFast(four, "[1,2,3,4,5]", INTEGERS).hasMessageContaining("more than 4 elements");
    }

    @Test
    void aBodyLargerThanTheDecodeLimitIsRefusedBeforeParsing() {
        Codec small = codec.withLimits(Limits.builder().maxDecodedBytes(16).build());
        failsFast(small, "{\"customer\":\"ann-marie\"}", Order.class)
                .hasMessage("body: 24 bytes exceeds the limit 16 (maxDecodedBytes)");
    }

    @Test
    void valuesWithinTheLimitsDecode() {
        Money m = (Money) codec.decode(bytes("{\"amount\":1.5e3,\"currency\":\"EUR\"}"), Money.class);
        assertThat(m.amount()).isEqualByComparingTo("1500");
        Money fine = (Money) codec.decode(bytes("{\"amount\":1e1000}"), Money.class);
        assertThat(fine.amount().scale()).isEqualTo(-1000);
        assertThat(codec.decode(bytes("{\"amount\":0.0001}"), Money.class)).isEqualTo(new Money(new BigDecimal("0.0001"), null));
        String nested = "[".repeat(100) + "]".repeat(100);
        assertThat(codec.decode(bytes(nested), List.class)).isInstanceOf(List.class);
    }

    @Test
    void aPropertyGivenTwiceIsInvalidArgument() {
        failsFast(codec, "{\"amount\":1,\"currency\":\"EUR\",\"amount\":2}", Money.class)
                .hasMessage("body: $.amount: given twice (expected: each property once)");
    }

    @Test
    void limitsAreConfigurable() {
        Codec strict = codec.withLimits(Limits.builder().maxDecimalScale(2).maxNumberLength(5).build());
        failsFast(strict, "{\"amount\":1.234}", Money.class)
                .hasMessage("body: $.amount: scale 3 exceeds the limit 2 (maxDecimalScale)");
        failsFast(strict, "{\"amount\":123456}", Money.class)
                .hasMessage("body: $.amount: a number of 6 characters exceeds the limit 5 (maxNumberLength)");
        assertThat(strict.decode(bytes("{\"amount\":12.34}"), Money.class)).isEqualTo(new Money(new BigDecimal("12.34"), null));
        assertThat(codec.withLimits(Limits.defaults())).isNotNull();
    }

    @Test
    void decimalsAreWrittenCompactly() {
        byte[] json = codec.encode(new Money(new BigDecimal("1e10000000"), "EUR"), Money.class);
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"amount\":1E+10000000,\"currency\":\"EUR\"}");
        com.fasterxml.jackson.databind.ObjectMapper plain = JsonCodec.mapperBuilder()
                .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
        byte[] again = JsonCodec.create(plain).encode(new BigDecimal("1e10000000"), BigDecimal.class);
        assertThat(again).hasSizeLessThan(20);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> failsFast(Codec codec, String json, Type type) {
        byte[] body = bytes(json);
        Throwable[] thrown = new Throwable[1];
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                codec.decode(body, type);
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
