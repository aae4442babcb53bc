package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void backoffGrowsExponentiallyUpToTheCap() {
        RetryPolicy p = RetryPolicy.builder().initialBackoff(Duration.ofMillis(100)).multiplier(3)
                .maxBackoff(Duration.ofSeconds(1)).build();

        assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(300));
        assertThat(p.backoff(3)).isEqualTo(Duration.ofMillis(900));
        assertThat(p.backoff(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.backoff(400)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void invalidSettingsAreNamed() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).hasMessage("maxAttempts: 0 (expected: >= 1)");
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ZERO))
                .hasMessage("initialBackoff: PT0S (expected: > 0)");
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofSeconds(20)).build())
                .hasMessageStartingWith("maxBackoff: PT10S (expected: >= initialBackoff PT20S)");
    }

    @Test
    void theInMemoryStoreRemembersPerGroupAndForgetsTheOldestPastItsCapacity() {
        ProcessedMessages store = ProcessedMessages.inMemory(2);
        store.add("billing", "m1");
        store.add("billing", "m2");
        store.add("shipping", "m1");

        assertThat(store.contains("billing", "m1")).isTrue();
        assertThat(store.contains("shipping", "m2")).isFalse();

        store.add("billing", "m3");

        assertThat(store.contains("billing", "m1")).isFalse();
        assertThat(store.contains("billing", "m3")).isTrue();
        assertThat(store.contains("shipping", "m1")).isTrue();
    }

    @Test
    void aMessagingWithoutABrokerIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> Messaging.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("InMemoryBroker.create()");
    }
}
