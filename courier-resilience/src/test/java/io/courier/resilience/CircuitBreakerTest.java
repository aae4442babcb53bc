package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static io.courier.resilience.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import io.courier.NotFoundException;
import io.courier.UnavailableException;
import io.courier.resilience.CircuitBreaker.State;
import io.courier.resilience.CircuitBreaker.Transition;
import io.courier.test.FakeClock;
import io.courier.test.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final FakeClock clock = FakeClock.startingAt(0); // transitions are checked at absolute times
    private final List<Transition> events = new CopyOnWriteArrayList<>();

    private CircuitBreakerBuilder breaker() {
        return CircuitBreaker.builder("stock").ticker(clock).countWindow(10).minimumCalls(5)
                .failureRateThreshold(50).waitInOpen(Duration.ofSeconds(10)).trialCalls(2)
                .listener(events::add);
    }

    /** Starts a call through {@code b} that the test answers later by completing the returned future. */
    private static CompletableFuture<Object> pending(CircuitBreaker b) {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        run(b, answer);
        return answer;
    }

    private static CompletableFuture<Object> run(CircuitBreaker b, CompletableFuture<Object> answer) {
        return b.intercept(Calls.idempotent(), call -> answer);
    }

    private static void fail(CircuitBreaker b) {
        run(b, failed(new UnavailableException("down")));
    }

    private static void succeed(CircuitBreaker b) {
        run(b, ok("fine"));
    }

    private CircuitBreaker opened() {
        CircuitBreaker b = breaker().build();
        for (int i = 0; i < 5; i++) {
            fail(b);
        }
        assertThat(b.state()).isEqualTo(State.OPEN);
        return b;
    }

    @Test
    void opensOnFailureRateOnlyOnceTheMinimumNumberOfCallsIsReached() {
        CircuitBreaker b = breaker().build();
        fail(b);
        fail(b);
        fail(b);
        succeed(b);
        assertThat(b.state()).as("4 calls, 75% failed, below the minimum of 5").isEqualTo(State.CLOSED);

        fail(b);

        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(events).containsExactly(new Transition("stock", State.CLOSED, State.OPEN, 0));
    }

    @Test
    void staysClosedBelowTheFailureRate() {
        CircuitBreaker b = breaker().build();
        for (int i = 0; i < 10; i++) {
            if (i % 3 == 0) {
                fail(b);
            } else {
                succeed(b);
            }
        }
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics()).isEqualTo(new CircuitBreaker.Metrics(State.CLOSED, 10, 4, 0));
    }

    @Test
    void opensOnSlowCallRate() {
        CircuitBreaker b = breaker().slowCallDuration(Duration.ofSeconds(1)).slowCallRateThreshold(60).build();
        List<CompletableFuture<Object>> pending = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pending.add(pending(b));
        }
        clock.advance(Duration.ofMillis(1500));
        pending.get(0).complete("slow");
        pending.get(1).complete("slow");
        assertThat(b.state()).isEqualTo(State.CLOSED);
        pending.get(2).complete("slow");
        pending.get(3).complete("slow");
        assertThat(b.state()).isEqualTo(State.CLOSED);

        pending.get(4).complete("slow");

        assertThat(b.state()).as("5 of 5 calls slow, all successful").isEqualTo(State.OPEN);
        assertThat(b.metrics().state()).isEqualTo(State.OPEN);
    }

    @Test
    void openBreakerRejectsWithARetrySafeErrorNamingItWithoutCallingOn() {
        CircuitBreaker b = opened();
        Calls.FakeNext next = new Calls.FakeNext();

        CompletableFuture<Object> f = b.intercept(Calls.idempotent(), next);

        assertThat(next.count()).isZero();
        assertThat(f).isCompletedExceptionally();
        Throwable error = f.exceptionNow();
        assertThat(error).isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining("circuit breaker stock is open");
        assertThat(((CircuitOpenException) error).retrySafe()).isTrue();
        assertThat(((CircuitOpenException) error).breaker()).isEqualTo("stock");
    }

    @Test
    void turnsHalfOpenWhenTheWaitIsOver() {
        CircuitBreaker b = opened();
        clock.advance(Duration.ofMillis(9_999));
        assertThat(b.state()).isEqualTo(State.OPEN);

        clock.advance(Duration.ofMillis(1));

        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        assertThat(events).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN);
        assertThat(events.get(1).atNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
    }

    @Test
    void halfOpenLetsOnlyTheTrialCallsThroughAndClosesWhenAllSucceed() {
        CircuitBreaker b = opened();
        clock.advance(Duration.ofSeconds(10));
        CompletableFuture<Object> first = pending(b);
        CompletableFuture<Object> second = pending(b);
        Calls.FakeNext next = new Calls.FakeNext();

        CompletableFuture<Object> third = b.intercept(Calls.idempotent(), next);

        assertThat(next.count()).as("past the 2 trial calls").isZero();
        assertThat(third.exceptionNow()).isInstanceOf(CircuitOpenException.class).hasMessageContaining("half-open");

        first.complete("ok");
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        second.complete("ok");

        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(events).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
        assertThat(b.metrics().calls()).as("a fresh window").isZero();
    }

    @Test
    void aFailedTrialOpensTheBreakerAgain() {
        CircuitBreaker b = opened();
        clock.advance(Duration.ofSeconds(10));
        succeed(b);

        fail(b);

        assertThat(b.state()).isEqualTo(State.OPEN);
        assertThat(events).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN, State.OPEN);
        clock.advance(Duration.ofSeconds(19));
        assertThat(b.state()).as("a new wait, twice the first").isEqualTo(State.OPEN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void aCancelledTrialGivesItsPlaceBack() {
        CircuitBreaker b = opened();
        clock.advance(Duration.ofSeconds(10));
        run(b, new CompletableFuture<>());
        CompletableFuture<Object> cancelled = run(b, new CompletableFuture<>());

        cancelled.cancel(true);

        Calls.FakeNext next = new Calls.FakeNext(n -> ok("fine"));
        assertThat(b.intercept(Calls.idempotent(), next)).isCompletedWithValue("fine");
        assertThat(b.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void answersThatAreNotFailuresCountAsSuccesses() {
        CircuitBreaker b = breaker().build();
        for (int i = 0; i < 10; i++) {
            run(b, failed(i % 2 == 0 ? new NotFoundException("no item") : new InvalidArgumentException("bad id")));
        }
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(b.metrics().failedCalls()).isZero();
        assertThat(b.metrics().calls()).isEqualTo(10);
    }

    @Test
    void cancellationsAndBulkheadRefusalsCountNeitherWay() {
        CircuitBreaker b = breaker().build();
        for (int i = 0; i < 10; i++) {
            run(b, failed(new BulkheadFullException("b", "full")));
            run(b, new CompletableFuture<>()).cancel(true);
        }
        assertThat(b.metrics().calls()).isZero();
        assertThat(b.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aFailurePolicyDecidesWhatCounts() {
        CircuitBreaker b = breaker().failurePolicy(FailurePolicy.statuses(io.courier.Status.NOT_FOUND)).build();
        for (int i = 0; i < 5; i++) {
            run(b, failed(new NotFoundException("gone")));
        }
        assertThat(b.state()).isEqualTo(State.OPEN);
    }

    @Test
    void theCountWindowForgetsTheOldestCalls() {
        CircuitBreaker b = breaker().countWindow(4).minimumCalls(4).failureRateThreshold(75).build();
        fail(b);
        fail(b);
        succeed(b);
        succeed(b);
        succeed(b);
        succeed(b);
        assertThat(b.metrics()).isEqualTo(new CircuitBreaker.Metrics(State.CLOSED, 4, 0, 0));
        fail(b);
        fail(b);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        fail(b);
        assertThat(b.state()).as("3 of the last 4 failed").isEqualTo(State.OPEN);
    }

    @Test
    void theTimeWindowSlides() {
        CircuitBreaker b = breaker().timeWindow(Duration.ofSeconds(10)).minimumCalls(4).build();
        fail(b);
        fail(b);
        fail(b);
        assertThat(b.metrics().calls()).isEqualTo(3);

        clock.advance(Duration.ofSeconds(11));
        assertThat(b.metrics().calls()).as("the old calls slid out").isZero();
        fail(b);
        succeed(b);
        succeed(b);
        succeed(b);

        assertThat(b.state()).as("1 of 4 in the window failed; 4 of 7 counting the old ones").isEqualTo(State.CLOSED);
        fail(b);
        fail(b);
        assertThat(b.state()).as("3 of 6").isEqualTo(State.OPEN);
    }

    @Test
    void theTimeWindowDropsBucketsOneByOne() {
        CircuitBreaker b = breaker().timeWindow(Duration.ofSeconds(10)).minimumCalls(100).build();
        fail(b);
        clock.advance(Duration.ofSeconds(5));
        fail(b);
        fail(b);
        clock.advance(Duration.ofMillis(5_500));
        assertThat(b.metrics().calls()).as("the first second's bucket left, the sixth's stays").isEqualTo(2);
        clock.advance(Duration.ofSeconds(5));
        assertThat(b.metrics().calls()).isZero();
    }

    @Test
    void aCallAdmittedWhileClosedDoesNotCloseABreakerThatOpenedMeanwhile() {
        CircuitBreaker b = breaker().build();
        CompletableFuture<Object> late = pending(b);
        for (int i = 0; i < 5; i++) {
            fail(b);
        }
        late.complete("late");
        assertThat(b.state()).isEqualTo(State.OPEN);
    }

    @Test
    void concurrentCallsKeepTheCountWindowConsistent() throws Exception {
        CircuitBreaker b = breaker().countWindow(100).minimumCalls(100).failureRateThreshold(100).build();
        int threads = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        if (i % 2 == 0) {
                            fail(b);
                        } else {
                            succeed(b);
                        }
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(b.state()).as("half the calls failed, threshold 100%").isEqualTo(State.CLOSED);
        assertThat(b.metrics().calls()).isEqualTo(100);
        assertThat(b.metrics().failedCalls()).isBetween(1, 99);

        for (int i = 0; i < 100; i++) {
            succeed(b);
        }

        assertThat(b.metrics().failedCalls()).as("every failure swapped out was subtracted once").isZero();
    }

    @Test
    void aThrowingListenerDoesNotBreakTheBreaker() {
        CircuitBreaker b = breaker().listener(t -> {
            throw new IllegalStateException("listener bug");
        }).build();
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 5; i++) {
                fail(b);
            }
            assertThat(b.state()).isEqualTo(State.OPEN);
            assertThat(events).hasSize(1);
            assertThat(log.lines("WARN")).as("%s", log).singleElement().asString()
                    .contains("circuit breaker stock: listener").contains("failed: java.lang.IllegalStateException: listener bug");
        }
    }

    @Test
    void transitionToForcesAState() {
        CircuitBreaker b = breaker().build();
        b.transitionTo(State.OPEN);
        assertThat(b.state()).isEqualTo(State.OPEN);
        b.transitionTo(State.CLOSED);
        assertThat(b.state()).isEqualTo(State.CLOSED);
        assertThat(events).extracting(Transition::to).containsExactly(State.OPEN, State.CLOSED);
    }

    @Test
    void aVariantFromToBuilderKeepsTheConfiguration() {
        CircuitBreaker b = breaker().build();
        CircuitBreaker variant = b.toBuilder().name("other").build();
        for (int i = 0; i < 4; i++) {
            fail(variant);
        }
        assertThat(variant.state()).as("same minimum of 5").isEqualTo(State.CLOSED);
        fail(variant);
        assertThat(variant.state()).isEqualTo(State.OPEN);
        assertThat(variant.name()).isEqualTo("other");
        assertThat(b.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void invalidSettingsAreRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> CircuitBreaker.builder("x").minimumCalls(0))
                .hasMessage("minimumCalls: 0 (expected: >= 1)");
        assertThatThrownBy(() -> CircuitBreaker.builder("x").failureRateThreshold(0))
                .hasMessage("failureRateThreshold: 0.0 (expected: in (0, 100])");
        assertThatThrownBy(() -> CircuitBreaker.builder("x").waitInOpen(Duration.ZERO))
                .hasMessage("waitInOpen: PT0S (expected: > 0)");
        assertThatThrownBy(() -> CircuitBreaker.builder("x").countWindow(10).minimumCalls(11).build())
                .hasMessageStartingWith("minimumCalls: 11 (expected: <= countWindow 10");
        assertThatThrownBy(() -> CircuitBreaker.builder(" ")).hasMessage("name: \" \" (expected: not blank)");
    }
}
