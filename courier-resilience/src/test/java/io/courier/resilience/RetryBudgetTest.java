package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.UnavailableException;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    private final FakeClock clock = FakeClock.create();

    private Retry retryWith(RetryBudget budget) {
        return Retry.builder().scheduler(clock).executor(Runnable::run).maxAttempts(3).initialBackoff(Duration.ofMillis(5))
                .maxBackoff(Duration.ofMillis(5)).budget(budget).build();
    }

    /** Sends {@code calls} always-failing calls, one every {@code gap}; returns the attempts made. */
    private int outage(Retry retry, int calls, Duration gap) {
        Calls.FakeNext down = new Calls.FakeNext(n -> failed(new UnavailableException("down")));
        for (int i = 0; i < calls; i++) {
            retry.intercept(Calls.idempotent(), down);
            clock.advance(gap);
        }
        clock.advance(Duration.ofSeconds(1));
        return down.count();
    }

    @Test
    void capsRetriesUnderASustainedOutage() {
        RetryBudget budget = RetryBudget.builder().ratio(0.2).minRetriesPerSecond(10)
                .window(Duration.ofSeconds(10)).ticker(clock).build();

        int attempts = outage(retryWith(budget), 1000, Duration.ofNanos(9_900_000)); // ~100 calls/s, all inside one 10 s window

        int retries = attempts - 1000;
        assertThat(retries).as("without a budget: 2000 retries").isLessThanOrEqualTo(200 + 10 * 10);
        assertThat(retries).as("the budget is spent, not refused").isGreaterThanOrEqualTo(200);
    }

    @Test
    void theCapHoldsOverManyWindows() {
        RetryBudget budget = RetryBudget.builder().ticker(clock).build(); // 20%, 10/s, 10 s
        int calls = 6000;

        int attempts = outage(retryWith(budget), calls, Duration.ofMillis(10)); // 60 s

        int retries = attempts - calls;
        // Every window allows 20% of its requests plus 100; over 60 s that is at most 7 windows.
        assertThat(retries).isLessThanOrEqualTo((int) (0.2 * calls) + 100 * 7);
        assertThat(retries).isGreaterThan((int) (0.2 * calls));
    }

    @Test
    void aQuietClientMayRetryEveryCallThanksToTheFloor() {
        RetryBudget budget = RetryBudget.builder().ticker(clock).build();

        int attempts = outage(retryWith(budget), 20, Duration.ofSeconds(1));

        assertThat(attempts).as("20 calls x 3 attempts").isEqualTo(60);
    }

    @Test
    void aRefusedRetryTakesNothingAndOldRetriesSlideOut() {
        RetryBudget budget = RetryBudget.builder().ratio(0).minRetriesPerSecond(1)
                .window(Duration.ofSeconds(2)).ticker(clock).build();
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).as("floor of 1/s over 2 s spent").isFalse();
        assertThat(budget.retries()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(2));

        assertThat(budget.retries()).isZero();
        assertThat(budget.tryAcquireRetry()).isTrue();
    }

    @Test
    void requestsCountTowardsRetries() {
        RetryBudget budget = RetryBudget.builder().ratio(0.5).minRetriesPerSecond(0).ticker(clock).build();
        for (int i = 0; i < 4; i++) {
            budget.onRequest();
        }
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isTrue();
        assertThat(budget.tryAcquireRetry()).isFalse();
        assertThat(budget.requests()).isEqualTo(4);
    }

    @Test
    void aRetryShareItsBudgetWithAVariant() {
        RetryBudget budget = RetryBudget.builder().ticker(clock).build();
        Retry r = retryWith(budget);
        CompletableFuture<Object> f = r.toBuilder().build().intercept(Calls.idempotent(),
                call -> failed(new UnavailableException("down")));
        clock.advance(Duration.ofSeconds(1));
        assertThat(f).isCompletedExceptionally();
        assertThat(budget.requests()).isEqualTo(1);
        assertThat(budget.retries()).isEqualTo(2);
    }
}
