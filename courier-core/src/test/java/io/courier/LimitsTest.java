package io.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.spi.Codec;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitsTest {
    @Test
    void defaultsBoundEveryDecodedDimension() {
        Limits d = Limits.defaults();
        assertThat(d.maxNumberLength()).isEqualTo(1000);
        assertThat(d.maxDecimalScale()).isEqualTo(1000);
        assertThat(d.maxStringLength()).isEqualTo(16 * 1024 * 1024);
        assertThat(d.maxNestingDepth()).isEqualTo(100);
        assertThat(d.maxElements()).isEqualTo(1_000_000);
        assertThat(d.maxDecodedBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(d.toBuilder().build().toString()).isEqualTo(d.toString());
    }

    @Test
    void checksNameTheFieldWhatWasFoundAndTheLimit() {
        Limits limits = Limits.builder().maxDecimalScale(10).maxElements(2).build();
        assertThatThrownBy(() -> limits.parseDecimal("amount", "1e10000000"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("amount: scale -10000000 exceeds the limit 10 (maxDecimalScale)")
                .extracting(e -> ((CourierException) e).status()).isEqualTo(Status.INVALID_ARGUMENT);
        assertThatThrownBy(() -> limits.checkElements(null, 3)).hasMessage("3 elements exceeds the limit 2 (maxElements)");
        assertThatThrownBy(() -> limits.parseInteger("n", "1".repeat(1001)))
                .hasMessage("n: a number of 1001 characters exceeds the limit 1000 (maxNumberLength)");
        assertThat(limits.parseDecimal("amount", "1.5e1")).isEqualTo(new BigDecimal("1.5e1"));
        limits.checkElements("items", 2);
        limits.checkDepth("x", 100);
        assertThatThrownBy(() -> limits.checkDepth("x", 101)).hasMessage("x: nesting of 101 levels exceeds the limit 100"
                + " (maxNestingDepth)");
    }

    @Test
    void builderRefusesNonsense() {
        assertThatThrownBy(() -> Limits.builder().maxNestingDepth(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxNestingDepth: 0 (expected: > 0)");
        assertThatThrownBy(() -> Limits.builder().maxDecimalScale(-1)).hasMessage("maxDecimalScale: -1 (expected: >= 0)");
    }

    /** A codec that records the limits Courier gives it. */
    private static final class Recording implements Codec {
        final List<Limits> given = new ArrayList<>();

        @Override
        public String mediaType() {
            return "application/x-recording";
        }

        @Override
        public byte[] encode(Object value, Type type) {
            return new byte[0];
        }

        @Override
        public Object decode(byte[] bytes, Type type) {
            return null;
        }

        @Override
        public Codec withLimits(Limits limits) {
            given.add(limits);
            return this;
        }
    }

    @Test
    void courierGivesEveryCodecItsLimits() {
        Limits limits = Limits.builder().maxDecimalScale(7).build();
        Recording codec = new Recording();
        Courier.builder().limits(limits).codec(codec).build().close();

        assertThat(codec.given).containsExactly(limits);
    }
}
