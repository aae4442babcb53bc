package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.resilience.RetryBudget;
import io.courier.test.FakeClock;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A retry budget's requests, retries and what it still allows, read when scraped. */
class RetryBudgetMetricsTest {
    @Test
    void gaugesFollowTheBudget() {
        FakeClock clock = FakeClock.create();
        RetryBudget budget = RetryBudget.builder().ratio(0.5).minRetriesPerSecond(1).window(Duration.ofSeconds(2))
                .ticker(clock).build();
        CourierMetrics metrics = CourierMetrics.builder().build().bind(budget, "stock");
        MeterRegistry r = metrics.registry();
        for (int i = 0; i < 10; i++) {
            budget.onRequest();
        }
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isTrue();

        assertThat(r.get("courier.retry.budget.requests").tag("courier.client", "stock").gauge().value()).isEqualTo(10);
        assertThat(r.get("courier.retry.budget.retries").gauge().value()).isEqualTo(2);
        // 0.5 x 10 requests + 1/s x 2 s - 2 taken
        assertThat(r.get("courier.retry.budget.remaining").gauge().value()).isEqualTo(5);

        clock.advance(Duration.ofSeconds(3)); // the window has passed: all allowed again, the floor
        assertThat(r.get("courier.retry.budget.requests").gauge().value()).isZero();
        assertThat(r.get("courier.retry.budget.remaining").gauge().value()).isEqualTo(2);
    }

    @Test
    void aBlankClientNameIsRefused() {
        assertThatThrownBy(() -> CourierMetrics.builder().build().bind(RetryBudget.ofDefaults(), " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("client: \" \" (expected: a name)");
    }
}
