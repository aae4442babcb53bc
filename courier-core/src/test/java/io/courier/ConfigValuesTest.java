package io.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link Limits} is a value: built, compared, copied and checked like one. */
class ConfigValuesTest {
    @Test
    void builtLimitsEqualTheRecordOfTheSameValues() {
        Limits built = Limits.builder().maxBodyBytes(1 << 20).maxDecimalScale(100).build();
        Limits record = new Limits(1 << 20, 16 * 1024, 1000, 100, 16 * 1024 * 1024, 100, 1_000_000, 16 * 1024 * 1024);

        assertThat(built).isEqualTo(record).hasSameHashCodeAs(record).isNotEqualTo(Limits.defaults());
        assertThat(Limits.builder().build()).isEqualTo(Limits.defaults());
        assertThat(built.toString()).isEqualTo("Limits[maxBodyBytes=1048576, maxHeaderBytes=16384, maxNumberLength=1000,"
                + " maxDecimalScale=100, maxStringLength=16777216, maxNestingDepth=100, maxElements=1000000,"
                + " maxDecodedBytes=16777216]");
    }

    @Test
    void toBuilderRoundTripsAndMakesVariants() {
        Limits limits = Limits.builder().maxElements(10).maxNestingDepth(5).build();

        assertThat(limits.toBuilder().build()).isEqualTo(limits);
        Limits variant = limits.toBuilder().maxElements(20).build();
        assertThat(variant.maxElements()).isEqualTo(20);
        assertThat(variant.maxNestingDepth()).isEqualTo(5);
        assertThat(limits.maxElements()).isEqualTo(10);
    }

    @Test
    void theConstructorRefusesWhatTheBuilderRefuses() {
        assertThatThrownBy(() -> new Limits(0, 1024, 1, 0, 1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBodyBytes: 0 (expected: > 0)");
        assertThatThrownBy(() -> new Limits(1, 1023, 1, 0, 1, 1, 1, 1))
                .hasMessage("maxHeaderBytes: 1023 (expected: >= 1024)");
        assertThatThrownBy(() -> new Limits(1, 1024, 1, -1, 1, 1, 1, 1))
                .hasMessage("maxDecimalScale: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new Limits(1, 1024, 1, 0, 1, 1, 1, -5))
                .hasMessage("maxDecodedBytes: -5 (expected: > 0)");
        assertThat(new Limits(1, 1024, 1, 0, 1, 1, 1, 1).maxDecimalScale()).isZero();
    }
}
