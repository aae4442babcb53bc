package io.courier.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Call;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The settings of every policy are values: a builder produces a record, {@code toBuilder()}
 * gives it back unchanged, and the record's constructor refuses what the builder refuses.
 */
class ConfigValuesTest {
    private final FakeClock clock = FakeClock.create();
    private final Random random = new Random(7);
    private final Executor direct = Runnable::run;
    private final Predicate<Call> always = call -> true;

    @Test
    void retrySettingsAreOneRecord() {
        Retry retry = Retry.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(50))
                .maxBackoff(Duration.ofSeconds(1)).multiplier(3).random(random).retryOn(FailurePolicy.byStatus())
                .idempotency(always).scheduler(clock).executor(direct).ticker(clock).build();

        Retry.Config expected = new Retry.Config(4, Duration.ofMillis(50), Duration.ofSeconds(1), 3, random,
                FailurePolicy.byStatus(), always, clock, direct, clock);
        assertThat(retry.config()).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(retry.toBuilder().build().config()).isEqualTo(retry.config());
        assertThat(retry.config().toBuilder().build().config()).isEqualTo(retry.config());
        assertThat(retry.toBuilder().build().budget()).isSameAs(retry.budget());
        assertThat(retry.toBuilder().maxAttempts(2).build().config().maxAttempts()).isEqualTo(2);
        assertThat(retry.config().toString()).startsWith("Config[maxAttempts=4, initialBackoff=PT0.05S");

        assertThatThrownBy(() -> new Retry.Config(0, Duration.ofMillis(1), Duration.ofMillis(1), 2, random,
                FailurePolicy.byStatus(), always, clock, direct, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAttempts: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new Retry.Config(1, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, random,
                FailurePolicy.byStatus(), always, clock, direct, clock))
                .hasMessage("maxBackoff: PT1S (expected: >= initialBackoff PT2S)");
        assertThatThrownBy(() -> new Retry.Config(1, Duration.ofMillis(1), Duration.ofMillis(1), 101, random,
                FailurePolicy.byStatus(), always, clock, direct, clock))
                .hasMessage("multiplier: 101.0 (expected: in [1, 100])");
        assertThatThrownBy(() -> new Retry.Config(1, Duration.ofMillis(1), Duration.ofMillis(1), 2, random,
                FailurePolicy.byStatus(), always, null, direct, clock))
                .isInstanceOf(NullPointerException.class).hasMessage("scheduler");
    }

    @Test
    void hedgeSettingsAreOneRecord() {
        Hedge hedge = Hedge.builder().delay(Duration.ofMillis(80)).idempotency(always).scheduler(clock)
                .executor(direct).build();

        Hedge.Config expected = new Hedge.Config(true, Duration.ofMillis(80), FailurePolicy.byStatus(), always, clock,
                direct);
        assertThat(hedge.config()).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(hedge.toBuilder().build().config()).isEqualTo(hedge.config());
        assertThat(hedge.toBuilder().off().build().config().enabled()).isFalse();
        assertThat(hedge.toBuilder().off().build().config().toBuilder().build().config().enabled()).isFalse();
        assertThat(Hedge.none().config().enabled()).isFalse();

        assertThatThrownBy(() -> new Hedge.Config(true, Duration.ZERO, FailurePolicy.byStatus(), always, clock, direct))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("delay: PT0S (expected: > 0)");
    }

    @Test
    void retryBudgetSettingsAreOneRecord() {
        RetryBudget budget = RetryBudget.builder().ratio(0.1).minRetriesPerSecond(5).window(Duration.ofSeconds(2))
                .ticker(clock).build();

        assertThat(budget.config()).isEqualTo(new RetryBudget.Config(0.1, 5, Duration.ofSeconds(2), clock));
        assertThat(budget.toBuilder().build().config()).isEqualTo(budget.config());
        assertThat(budget.toBuilder().build()).isNotSameAs(budget);

        assertThatThrownBy(() -> new RetryBudget.Config(1.5, 5, Duration.ofSeconds(2), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ratio: 1.5 (expected: in [0, 1])");
        assertThatThrownBy(() -> new RetryBudget.Config(0.1, 5, Duration.ofMillis(10), clock))
                .hasMessage("window: PT0.01S (expected: >= 100ms)");
    }

    @Test
    void anAimdLimitIsARecord() {
        AimdLimit limit = AimdLimit.builder().initialLimit(10).minLimit(2).maxLimit(50).backoffRatio(0.8)
                .latencyThreshold(Duration.ofMillis(250)).build();

        assertThat(limit).isEqualTo(new AimdLimit(10, 2, 50, 0.8, Duration.ofMillis(250)));
        assertThat(limit.toBuilder().build()).isEqualTo(limit);
        assertThat(AimdLimit.builder().build()).isEqualTo(new AimdLimit(20, 1, 200, 0.9, Duration.ofSeconds(1)));

        assertThatThrownBy(() -> new AimdLimit(100, 1, 50, 0.9, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("initialLimit: 100 (expected: in [1, 50])");
        assertThatThrownBy(() -> new AimdLimit(10, 1, 50, 1.0, Duration.ofSeconds(1)))
                .hasMessage("backoffRatio: 1.0 (expected: in [0.5, 1))");
        assertThatThrownBy(() -> new AimdLimit(10, 60, 50, 0.9, Duration.ofSeconds(1)))
                .hasMessage("minLimit: 60 (expected: <= maxLimit 50)");
    }

    @Test
    void bulkheadSettingsAreOneRecord() {
        AimdLimit aimd = AimdLimit.builder().build();
        Bulkhead fixed = Bulkhead.builder("stock").maxConcurrentCalls(64).ticker(clock).build();
        Bulkhead adaptive = Bulkhead.builder("stock").adaptive(aimd).ticker(clock).build();

        assertThat(fixed.config())
                .isEqualTo(new Bulkhead.Config("stock", 64, Optional.empty(), FailurePolicy.byStatus(), clock));
        assertThat(adaptive.config().adaptive()).contains(aimd);
        assertThat(fixed.toBuilder().build().config()).isEqualTo(fixed.config());
        assertThat(adaptive.toBuilder().build().config()).isEqualTo(adaptive.config());
        assertThat(adaptive.toBuilder().build().limit()).isEqualTo(20);

        assertThatThrownBy(() -> new Bulkhead.Config("stock", 0, Optional.empty(), FailurePolicy.byStatus(), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxConcurrentCalls: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new Bulkhead.Config(" ", 1, Optional.empty(), FailurePolicy.byStatus(), clock))
                .hasMessage("name: \" \" (expected: not blank)");
    }

    @Test
    void circuitBreakerSettingsAreOneRecord() {
        CircuitBreaker.Listener listener = t -> { };
        CircuitBreaker breaker = CircuitBreaker.builder("stock").countWindow(50).minimumCalls(10)
                .failureRateThreshold(40).waitInOpen(Duration.ofSeconds(2)).ticker(clock).listener(listener).build();

        CircuitBreaker.Config expected = new CircuitBreaker.Config("stock", 50, Optional.empty(), 10, 40, 80,
                Duration.ofSeconds(10), Duration.ofSeconds(2), Optional.empty(), 5, FailurePolicy.byStatus(), clock,
                List.of(listener));
        assertThat(breaker.config()).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(breaker.config().effectiveMaxWaitInOpen()).isEqualTo(Duration.ofSeconds(60));
        assertThat(breaker.toBuilder().build().config()).isEqualTo(breaker.config());
        // The default cap follows a longer first wait, as before: the copy keeps it unset.
        assertThat(breaker.toBuilder().waitInOpen(Duration.ofMinutes(2)).build().config().effectiveMaxWaitInOpen())
                .isEqualTo(Duration.ofMinutes(2));
        CircuitBreaker timed = breaker.toBuilder().timeWindow(Duration.ofSeconds(5)).build();
        assertThat(timed.config().timeWindow()).contains(Duration.ofSeconds(5));
        assertThat(timed.toBuilder().build().config()).isEqualTo(timed.config());

        assertThatThrownBy(() -> new CircuitBreaker.Config("stock", 5, Optional.empty(), 10, 40, 80,
                Duration.ofSeconds(10), Duration.ofSeconds(2), Optional.empty(), 5, FailurePolicy.byStatus(), clock,
                List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minimumCalls: 10 (expected: <= countWindow 5, or the breaker could never open)");
        assertThatThrownBy(() -> new CircuitBreaker.Config("stock", 50, Optional.empty(), 10, 0, 80,
                Duration.ofSeconds(10), Duration.ofSeconds(2), Optional.empty(), 5, FailurePolicy.byStatus(), clock,
                List.of()))
                .hasMessage("failureRateThreshold: 0.0 (expected: in (0, 100])");
        assertThatThrownBy(() -> new CircuitBreaker.Config("stock", 50, Optional.empty(), 10, 40, 80,
                Duration.ofSeconds(10), Duration.ofSeconds(2), Optional.of(Duration.ofSeconds(1)), 5,
                FailurePolicy.byStatus(), clock, List.of()))
                .hasMessage("maxWaitInOpen: PT1S (expected: >= waitInOpen PT2S)");
    }
}
