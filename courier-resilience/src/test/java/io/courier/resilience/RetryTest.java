package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static io.courier.resilience.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Call;
import io.courier.InternalException;
import io.courier.NotFoundException;
import io.courier.Scheduler;
import io.courier.UnavailableException;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryTest {
    /** nextDouble() just below 1: every backoff is its cap. */
    private static final RandomGenerator LONGEST = () -> -1L;
    /** nextDouble() 0: every backoff is zero. */
    private static final RandomGenerator SHORTEST = () -> 0L;

    private final FakeClock clock = FakeClock.startingAt(0); // the backoff test reads absolute times

    private Retry.Builder retry() {
        return Retry.builder().scheduler(clock).executor(Runnable::run).ticker(clock).maxAttempts(4)
                .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(300)).multiplier(2)
                .random(LONGEST);
    }

    private static CompletableFuture<Object> unavailable() {
        return failed(new UnavailableException("down", Map.of(), false, null));
    }

    @Test
    void retriesAnIdempotentCallWithExponentialBackoffUpToTheCap() {
        Calls.FakeNext next = new Calls.FakeNext(n -> n < 4 ? unavailable() : ok("at last"));
        CompletableFuture<Object> f = retry().build().intercept(Calls.idempotent(), next);
        List<Long> attemptsAt = new ArrayList<>();
        for (int ms = 0; ms <= 700 && !f.isDone(); ms++) {
            while (attemptsAt.size() < next.count()) {
                attemptsAt.add(clock.nanoTime() / 1_000_000);
            }
            clock.advance(Duration.ofMillis(1));
        }
        attemptsAt.add(clock.nanoTime() / 1_000_000);

        assertThat(f).isCompletedWithValue("at last");
        assertThat(attemptsAt).as("backoffs 100, 200, then capped at 300 ms").containsExactly(0L, 100L, 300L, 600L);
    }

    @Test
    void aServerThatSaysWhenToComeBackIsNotAskedSooner() {
        Calls.FakeNext next = new Calls.FakeNext(n -> n == 1 ? failed(io.courier.ResourceExhaustedException
                .overloaded("shed", Duration.ofSeconds(2))) : ok("served"));
        CompletableFuture<Object> f = retry().random(SHORTEST).build().intercept(Calls.nonIdempotent(), next);
        clock.advance(Duration.ofMillis(1999));
        assertThat(next.count()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(f).isCompletedWithValue("served");

        // A deadline that ends before then: no retry, the refusal is the answer.
        Calls.FakeNext again = new Calls.FakeNext(n -> failed(io.courier.ResourceExhaustedException
                .rateLimited("over", Duration.ofSeconds(2))));
        CompletableFuture<Object> g = retry().build().intercept(
                Calls.withDeadline(Calls.nonIdempotent(), Duration.ofSeconds(1), clock), again);
        assertThat(g).isCompletedExceptionally();
        assertThat(again.count()).isEqualTo(1);
    }

    @Test
    void theLongestBackoffGrowsByTheMultiplierUpToTheMaximum() {
        Retry r = retry().build();
        assertThat(List.of(r.maxBackoff(1), r.maxBackoff(2), r.maxBackoff(3), r.maxBackoff(9)))
                .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300),
                        Duration.ofMillis(300));
    }

    @Test
    void fullJitterDrawsEachBackoffBetweenZeroAndTheCap() {
        List<Long> delays = new ArrayList<>();
        Scheduler recording = (delay, task) -> {
            delays.add(delay.toNanos());
            return clock.schedule(delay, task);
        };
        Retry r = retry().maxAttempts(2).random(new SplittableRandom(7)).scheduler(recording)
                .budget(RetryBudget.builder().ratio(1).ticker(clock).build()).build();
        for (int i = 0; i < 200; i++) {
            r.intercept(Calls.idempotent(), new Calls.FakeNext(n -> n == 1 ? unavailable() : ok("ok")));
        }
        clock.advance(Duration.ofSeconds(1));

        long cap = Duration.ofMillis(100).toNanos();
        assertThat(delays).hasSizeGreaterThan(190).allSatisfy(d -> assertThat(d).isBetween(0L, cap));
        assertThat(delays.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(cap / 10);
        assertThat(delays.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(cap * 9 / 10);
    }

    @Test
    void doesNotRetryANonIdempotentCallThatMayHaveTakenEffect() {
        Calls.FakeNext next = new Calls.FakeNext(n -> n == 1 ? failed(new InternalException("boom")) : ok("twice"));

        CompletableFuture<Object> f = retry().build().intercept(Calls.nonIdempotent(), next);
        clock.advance(Duration.ofSeconds(5));

        assertThat(f.exceptionNow()).isInstanceOf(InternalException.class);
        assertThat(next.count()).isEqualTo(1);

        Calls.FakeNext lostMidCall = new Calls.FakeNext(n -> n == 1 ? unavailable() : ok("twice"));
        CompletableFuture<Object> g = retry().build().intercept(Calls.nonIdempotent(), lostMidCall);
        clock.advance(Duration.ofSeconds(5));
        assertThat(g.exceptionNow()).isInstanceOf(UnavailableException.class);
        assertThat(lostMidCall.count()).isEqualTo(1);
    }

    @Test
    void retriesANonIdempotentCallWhenTheErrorIsRetrySafe() {
        Calls.FakeNext next = new Calls.FakeNext(n -> n == 1 ? failed(new UnavailableException("refused")) : ok("once"));

        CompletableFuture<Object> f = retry().random(SHORTEST).build().intercept(Calls.nonIdempotent(), next);

        assertThat(f).isCompletedWithValue("once");
        assertThat(next.count()).isEqualTo(2);
    }

    @Test
    void doesNotRetryAnswers() {
        Calls.FakeNext next = new Calls.FakeNext(n -> failed(new NotFoundException("no such item")));

        CompletableFuture<Object> f = retry().random(SHORTEST).build().intercept(Calls.idempotent(), next);

        assertThat(f.exceptionNow()).isInstanceOf(NotFoundException.class);
        assertThat(next.count()).isEqualTo(1);
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastError() {
        Calls.FakeNext next = new Calls.FakeNext(n -> failed(new UnavailableException("down #" + n)));

        CompletableFuture<Object> f = retry().random(SHORTEST).maxAttempts(3).build().intercept(Calls.idempotent(), next);

        assertThat(f.exceptionNow()).hasMessage("down #3");
        assertThat(next.count()).isEqualTo(3);
    }

    @Test
    void neverRetriesPastTheDeadline() {
        Call call = Calls.withDeadline(Calls.idempotent(), Duration.ofMillis(250), clock);
        Calls.FakeNext next = new Calls.FakeNext(n -> failed(new UnavailableException("down #" + n)));

        CompletableFuture<Object> f = retry().build().intercept(call, next);
        clock.advance(Duration.ofSeconds(5));

        assertThat(next.count()).as("at 0 and 100 ms; the next backoff (200 ms) would end past 250 ms").isEqualTo(2);
        assertThat(f.exceptionNow()).hasMessage("down #2");
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void anEmptyBudgetStopsRetries() {
        RetryBudget empty = RetryBudget.builder().ratio(0).minRetriesPerSecond(0).ticker(clock).build();
        Calls.FakeNext next = new Calls.FakeNext(n -> unavailable());

        CompletableFuture<Object> f = retry().random(SHORTEST).budget(empty).build().intercept(Calls.idempotent(), next);

        assertThat(f).isCompletedExceptionally();
        assertThat(next.count()).isEqualTo(1);
        assertThat(empty.requests()).isEqualTo(1);
    }

    @Test
    void cancellingTheCallCancelsThePendingRetry() {
        Calls.FakeNext next = new Calls.FakeNext(n -> unavailable());
        CompletableFuture<Object> f = retry().build().intercept(Calls.idempotent(), next);
        assertThat(clock.pendingTasks()).isEqualTo(1);

        f.cancel(true);
        clock.advance(Duration.ofSeconds(5));

        assertThat(next.count()).isEqualTo(1);
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void cancellingTheCallCancelsTheAttemptInFlight() {
        Calls.FakeNext next = new Calls.FakeNext();
        CompletableFuture<Object> f = retry().build().intercept(Calls.idempotent(), next);

        f.cancel(true);

        assertThat(next.attempt(1)).isCancelled();
        assertThat(next.count()).isEqualTo(1);
    }

    @Test
    void invalidSettingsAreRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> Retry.builder().maxAttempts(0)).hasMessage("maxAttempts: 0 (expected: >= 1)");
        assertThatThrownBy(() -> Retry.builder().multiplier(0.5)).hasMessage("multiplier: 0.5 (expected: in [1, 100])");
        assertThatThrownBy(() -> Retry.builder().initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1))
                .build()).hasMessage("maxBackoff: PT1S (expected: >= initialBackoff PT2S)");
        assertThatThrownBy(() -> RetryBudget.builder().ratio(1.5)).hasMessage("ratio: 1.5 (expected: in [0, 1])");
    }

    @Test
    void aVariantKeepsTheConfigurationAndTheBudget() {
        Retry r = retry().build();
        Retry variant = r.toBuilder().maxAttempts(2).build();
        assertThat(variant.budget()).isSameAs(r.budget());
        assertThat(variant.maxBackoff(3)).isEqualTo(Duration.ofMillis(300));
    }
}
