package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RetryPolicy} is a value: built, compared, copied and checked like one. */
class ConfigValuesTest {
    @Test
    void aBuiltPolicyEqualsTheRecordOfTheSameValues() {
        RetryPolicy built = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(50))
                .maxBackoff(Duration.ofSeconds(2)).multiplier(1.5).build();

        assertThat(built).isEqualTo(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofSeconds(2), 1.5))
                .hasSameHashCodeAs(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofSeconds(2), 1.5));
        assertThat(built.toString()).isEqualTo("RetryPolicy[maxAttempts=3, initialBackoff=PT0.05S, maxBackoff=PT2S,"
                + " multiplier=1.5]");
        assertThat(RetryPolicy.builder().build()).isEqualTo(RetryPolicy.defaults());
    }

    @Test
    void toBuilderRoundTripsAndMakesVariants() {
        RetryPolicy p = RetryPolicy.builder().maxAttempts(7).multiplier(3).build();

        assertThat(p.toBuilder().build()).isEqualTo(p);
        RetryPolicy variant = p.toBuilder().maxAttempts(2).build();
        assertThat(variant.maxAttempts()).isEqualTo(2);
        assertThat(variant.multiplier()).isEqualTo(3);
        assertThat(p.maxAttempts()).isEqualTo(7);
    }

    @Test
    void theConstructorRefusesWhatTheBuilderRefuses() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new RetryPolicy(0, s, s, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAttempts: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, s, 2))
                .hasMessage("initialBackoff: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new RetryPolicy(1, s, null, 2))
                .isInstanceOf(NullPointerException.class).hasMessage("maxBackoff");
        assertThatThrownBy(() -> new RetryPolicy(1, s, s, 0.5)).hasMessage("multiplier: 0.5 (expected: >= 1)");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), s, 2))
                .hasMessage("maxBackoff: PT1S (expected: >= initialBackoff PT2S)");
    }
}
