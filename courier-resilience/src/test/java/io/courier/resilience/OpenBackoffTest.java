package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static io.courier.resilience.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.UnavailableException;
import io.courier.resilience.CircuitBreaker.State;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** An endpoint still sick at its trial is looked at less and less often, up to a cap; a close starts over. */
class OpenBackoffTest {
    private final FakeClock clock = FakeClock.startingAt(0);

    private CircuitBreakerBuilder breaker() {
        return CircuitBreaker.builder("consumer").ticker(clock).countWindow(10).minimumCalls(5).trialCalls(1)
                .waitInOpen(Duration.ofSeconds(5)).maxWaitInOpen(Duration.ofSeconds(60));
    }

    private static void fail(CircuitBreaker b) {
        b.intercept(Calls.idempotent(), call -> failed(new UnavailableException("down")));
    }

    private static CompletableFuture<Object> succeed(CircuitBreaker b) {
        return b.intercept(Calls.idempotent(), call -> ok("fine"));
    }

    private static void open(CircuitBreaker b) {
        for (int i = 0; i < 5; i++) {
            fail(b);
        }
        assertThat(b.state()).isEqualTo(State.OPEN);
    }

    /** Advances to just before {@code wait} is over, then to it: the breaker must be open, then half-open. */
    private void assertOpenFor(CircuitBreaker b, Duration wait) {
        clock.advance(wait.minusMillis(1));
        assertThat(b.state()).as("open for %s", wait).isEqualTo(State.OPEN);
        clock.advance(Duration.ofMillis(1));
        assertThat(b.state()).as("half-open after %s", wait).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void theWaitDoublesWithEachFailedTrialUpToTheCap() {
        CircuitBreaker b = breaker().build();
        open(b);
        for (int seconds : new int[] {5, 10, 20, 40, 60, 60}) {
            assertOpenFor(b, Duration.ofSeconds(seconds));
            fail(b); // the trial
        }
        assertThat(b.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aSuccessfulTrialClosesTheBreakerAndTheNextOpenWaitsTheFirstWaitAgain() {
        CircuitBreaker b = breaker().build();
        open(b);
        assertOpenFor(b, Duration.ofSeconds(5));
        fail(b);
        assertOpenFor(b, Duration.ofSeconds(10));

        assertThat(succeed(b)).isCompletedWithValue("fine");

        assertThat(b.state()).isEqualTo(State.CLOSED);
        open(b);
        assertOpenFor(b, Duration.ofSeconds(5));
    }

    @Test
    void theTrialComesAsSoonAsTheWaitIsOverAndOnlyTheTrialGoesThrough() {
        CircuitBreaker b = breaker().build();
        open(b);
        clock.advance(Duration.ofSeconds(5));
        Calls.FakeNext next = new Calls.FakeNext();

        CompletableFuture<Object> trial = b.intercept(Calls.idempotent(), next);
        CompletableFuture<Object> refused = b.intercept(Calls.idempotent(), next);

        assertThat(next.count()).isEqualTo(1);
        assertThat(refused.exceptionNow()).isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining("half-open with all 1 trial calls in flight");
        next.attempt(1).complete("fine");
        assertThat(trial).isCompletedWithValue("fine");
        assertThat(b.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void theRejectionSaysHowLongTheBackedOffWaitStillLasts() {
        CircuitBreaker b = breaker().build();
        open(b);
        clock.advance(Duration.ofSeconds(5));
        fail(b);
        clock.advance(Duration.ofSeconds(3));

        assertThat(succeed(b).exceptionNow()).hasMessage(
                "circuit breaker consumer is open (calls fail fast for another 7000 ms)");
    }

    @Test
    void theDefaultsOpenForFiveSecondsAndCapAtOneMinute() {
        CircuitBreaker b = CircuitBreaker.builder("consumer").ticker(clock).countWindow(5).minimumCalls(5)
                .trialCalls(1).build();
        open(b);
        for (int seconds : new int[] {5, 10, 20, 40, 60, 60}) {
            assertOpenFor(b, Duration.ofSeconds(seconds));
            fail(b);
        }
    }

    @Test
    void aFirstWaitLongerThanTheDefaultCapIsItsOwnCap() {
        CircuitBreaker b = breaker().maxWaitInOpen(Duration.ofSeconds(5)).waitInOpen(Duration.ofSeconds(5)).build();
        open(b);
        assertOpenFor(b, Duration.ofSeconds(5));
        fail(b);
        assertOpenFor(b, Duration.ofSeconds(5));

        CircuitBreaker longer = CircuitBreaker.builder("consumer").ticker(clock).countWindow(5).minimumCalls(5)
                .trialCalls(1).waitInOpen(Duration.ofMinutes(2)).build();
        open(longer);
        assertOpenFor(longer, Duration.ofMinutes(2));
        fail(longer);
        assertOpenFor(longer, Duration.ofMinutes(2));
    }

    @Test
    void aCapBelowTheFirstWaitIsRefused() {
        assertThatThrownBy(() -> breaker().waitInOpen(Duration.ofSeconds(30)).maxWaitInOpen(Duration.ofSeconds(10)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxWaitInOpen: PT10S (expected: >= waitInOpen PT30S)");
        assertThatThrownBy(() -> breaker().maxWaitInOpen(Duration.ZERO))
                .hasMessage("maxWaitInOpen: PT0S (expected: > 0)");
    }
}
