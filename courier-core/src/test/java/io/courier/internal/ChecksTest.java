package io.courier.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChecksTest {
    @Test
    void aPositiveDurationPasses() {
        Duration d = Duration.ofNanos(1);
        assertThat(Checks.positive("ttl", d)).isSameAs(d);
    }

    @Test
    void zeroAndNegativeAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> Checks.positive("ttl", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl: PT0S (expected: > 0)");
        assertThatThrownBy(() -> Checks.positive("decay", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("decay: PT-1S (expected: > 0)");
    }

    @Test
    void nullIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> Checks.positive("timeout", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("timeout");
    }
}
