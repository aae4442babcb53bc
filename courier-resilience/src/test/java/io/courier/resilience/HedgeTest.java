package io.courier.resilience;

import static io.courier.resilience.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.NotFoundException;
import io.courier.UnavailableException;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HedgeTest {
    private final FakeClock clock = FakeClock.create();
    private final RetryBudget budget = RetryBudget.builder().ticker(clock).build();

    private Hedge hedge() {
        return Hedge.builder().delay(Duration.ofMillis(50)).scheduler(clock).executor(Runnable::run).budget(budget).build();
    }

    @Test
    void sendsASecondAttemptAfterTheDelayAndTheFirstAnswerWins() {
        Calls.FakeNext next = new Calls.FakeNext();
        CompletableFuture<Object> f = hedge().intercept(Calls.idempotent(), next);
        clock.advance(Duration.ofMillis(49));
        assertThat(next.count()).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(next.count()).isEqualTo(2);
        next.attempt(2).complete("from the hedge");

        assertThat(f).isCompletedWithValue("from the hedge");
        assertThat(next.attempt(1)).as("the slow first attempt").isCancelled();
        assertThat(budget.retries()).isEqualTo(1);
    }

    @Test
    void theFirstAttemptMayStillWinAndThenTheHedgeIsCancelled() {
        Calls.FakeNext next = new Calls.FakeNext();
        CompletableFuture<Object> f = hedge().intercept(Calls.idempotent(), next);
        clock.advance(Duration.ofMillis(50));

        next.attempt(1).complete("from the first");

        assertThat(f).isCompletedWithValue("from the first");
        assertThat(next.attempt(2)).isCancelled();
    }

    @Test
    void noHedgeWhenTheFirstAttemptAnswersInTime() {
        Calls.FakeNext next = new Calls.FakeNext();
        CompletableFuture<Object> f = hedge().intercept(Calls.idempotent(), next);
        next.attempt(1).complete("quick");
        clock.advance(Duration.ofSeconds(1));

        assertThat(f).isCompletedWithValue("quick");
        assertThat(next.count()).isEqualTo(1);
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void aFailedAttemptWaitsForTheOther() {
        Calls.FakeNext next = new Calls.FakeNext();
        CompletableFuture<Object> f = hedge().intercept(Calls.idempotent(), next);
        clock.advance(Duration.ofMillis(50));

        next.attempt(1).completeExceptionally(new UnavailableException("first endpoint down"));
        assertThat(f).isNotDone();
        next.attempt(2).complete("second endpoint fine");

        assertThat(f).isCompletedWithValue("second endpoint fine");
    }

    @Test
    void anErrorThatIsAnAnswerWins() {
        Calls.FakeNext next = new Calls.FakeNext();
        CompletableFuture<Object> f = hedge().intercept(Calls.idempotent(), next);
        clock.advance(Duration.ofMillis(50));

        next.attempt(2).completeExceptionally(new NotFoundException("no such item"));

        assertThat(f.exceptionNow()).isInstanceOf(NotFoundException.class);
        assertThat(next.attempt(1)).isCancelled();
    }

    @Test
    void aFailureBeforeTheDelayGoesUpWithoutAHedge() {
        Calls.FakeNext next = new Calls.FakeNext();
        CompletableFuture<Object> f = hedge().intercept(Calls.idempotent(), next);

        next.attempt(1).completeExceptionally(new UnavailableException("down"));
        clock.advance(Duration.ofSeconds(1));

        assertThat(f.exceptionNow()).isInstanceOf(UnavailableException.class);
        assertThat(next.count()).isEqualTo(1);
    }

    @Test
    void neverHedgesANonIdempotentCall() {
        Calls.FakeNext next = new Calls.FakeNext();
        hedge().intercept(Calls.nonIdempotent(), next);
        clock.advance(Duration.ofSeconds(1));
        assertThat(next.count()).isEqualTo(1);
    }

    @Test
    void noHedgeWhenTheBudgetIsSpent() {
        RetryBudget spent = RetryBudget.builder().ratio(0).minRetriesPerSecond(0).ticker(clock).build();
        Calls.FakeNext next = new Calls.FakeNext();
        CompletableFuture<Object> f = hedge().toBuilder().budget(spent).build().intercept(Calls.idempotent(), next);
        clock.advance(Duration.ofSeconds(1));
        next.attempt(1).complete("slow but fine");

        assertThat(next.count()).isEqualTo(1);
        assertThat(f).isCompletedWithValue("slow but fine");
    }

    @Test
    void noHedgeOnceTheDeadlineHasPassed() {
        Calls.FakeNext next = new Calls.FakeNext();
        hedge().intercept(Calls.withDeadline(Calls.idempotent(), Duration.ofMillis(30), clock), next);
        clock.advance(Duration.ofSeconds(1));
        assertThat(next.count()).isEqualTo(1);
    }

    @Test
    void cancellingTheCallCancelsEveryAttempt() {
        Calls.FakeNext next = new Calls.FakeNext();
        CompletableFuture<Object> f = hedge().intercept(Calls.idempotent(), next);
        clock.advance(Duration.ofMillis(50));

        f.cancel(true);

        assertThat(next.attempt(1)).isCancelled();
        assertThat(next.attempt(2)).isCancelled();
    }

    @Test
    void aCallAnsweredAtOnceIsNotRaced() {
        Calls.FakeNext next = new Calls.FakeNext(n -> ok("cached"));
        assertThat(hedge().intercept(Calls.idempotent(), next)).isCompletedWithValue("cached");
        assertThat(clock.pendingTasks()).isZero();
    }
}
