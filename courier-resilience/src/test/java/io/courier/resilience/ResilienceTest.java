package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static io.courier.resilience.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Call;
import io.courier.DeadlineExceededException;
import io.courier.UnavailableException;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ResilienceTest {
    private final FakeClock clock = FakeClock.create();

    private Retry.Builder retry() {
        return Retry.builder().scheduler(clock).executor(Runnable::run).ticker(clock).maxAttempts(3).initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(10));
    }

    @Test
    void composesInTheDocumentedOrder() {
        Fallback fallback = Fallback.of((c, e) -> null);
        CircuitBreaker service = CircuitBreaker.builder("inventory").ticker(clock).build();
        Retry retry = retry().build();
        Hedge hedge = Hedge.builder().scheduler(clock).executor(Runnable::run).build();
        CircuitBreakers endpoints = CircuitBreakers.ofDefaults();
        Bulkhead bulkhead = Bulkhead.builder("inventory").build();

        Resilience r = Resilience.builder().bulkhead(bulkhead).endpointBreakers(endpoints).hedge(hedge).retry(retry)
                .serviceBreaker(service).fallback(fallback).scheduler(clock).build();

        assertThat(r.steps()).extracting(s -> s.getClass().getSimpleName()).containsExactly(
                "Fallback", "DeadlineInterceptor", "CircuitBreaker", "Retry", "Hedge", "CircuitBreakers", "Bulkhead");
        assertThat(r.steps().get(0)).isSameAs(fallback);
        assertThat(((Hedge) r.steps().get(4)).budget()).as("hedges spend from the retry's budget")
                .isSameAs(retry.budget());
    }

    @Test
    void retriesGoThroughTheEndpointBreakerAndTheFallbackAnswersWhenItOpens() {
        CircuitBreakers endpoints = CircuitBreakers.of(CircuitBreaker.builder("e").ticker(clock).countWindow(4)
                .minimumCalls(4));
        Resilience r = Resilience.builder().scheduler(clock).retry(retry().build()).endpointBreakers(endpoints)
                .fallback(Fallback.of((call, error) -> "fallback: " + error.getClass().getSimpleName())).build();
        Calls.FakeNext transport = new Calls.FakeNext(n -> failed(new UnavailableException("down")));

        CompletableFuture<Object> first = r.intercept(Calls.idempotent(), transport);
        clock.advance(Duration.ofSeconds(1));
        CompletableFuture<Object> second = r.intercept(Calls.idempotent(), transport);
        clock.advance(Duration.ofSeconds(1));

        assertThat(first).isCompletedWithValue("fallback: UnavailableException");
        assertThat(transport.count()).as("3 attempts, then 1 before the breaker opened").isEqualTo(4);
        assertThat(endpoints.state(Calls.A)).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(second).isCompletedWithValue("fallback: CircuitOpenException");
    }

    @Test
    void theDeadlineEndsTheWholeCallAndCancelsTheAttemptInFlight() {
        AtomicReference<Object> fellBackWith = new AtomicReference<>();
        Resilience r = Resilience.builder().scheduler(clock).retry(retry().build())
                .fallback(Fallback.of((call, error) -> {
                    fellBackWith.set(error);
                    return "stale";
                })).build();
        Call call = Calls.withDeadline(Calls.idempotent(), Duration.ofMillis(300), clock);
        Calls.FakeNext hanging = new Calls.FakeNext();

        CompletableFuture<Object> f = r.intercept(call, hanging);
        clock.advance(Duration.ofMillis(299));
        assertThat(f).isNotDone();
        clock.advance(Duration.ofMillis(1));

        assertThat(f).isCompletedWithValue("stale");
        assertThat(fellBackWith.get()).isInstanceOf(DeadlineExceededException.class);
        assertThat(hanging.attempt(1)).isCancelled();
        assertThat(hanging.count()).isEqualTo(1);
    }

    @Test
    void theServiceBreakerFailsFastWhenEveryEndpointIsDown() {
        CircuitBreaker service = CircuitBreaker.builder("inventory").ticker(clock).countWindow(5).minimumCalls(5).build();
        Resilience r = Resilience.builder().scheduler(clock).serviceBreaker(service).retry(retry().build()).build();
        Calls.FakeNext transport = new Calls.FakeNext(n -> failed(new UnavailableException("down")));
        for (int i = 0; i < 5; i++) {
            r.intercept(Calls.idempotent(), transport);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(transport.count()).isEqualTo(15);
        assertThat(service.state()).isEqualTo(CircuitBreaker.State.OPEN);

        CompletableFuture<Object> f = r.intercept(Calls.idempotent(), transport);

        assertThat(f.exceptionNow()).isInstanceOf(CircuitOpenException.class);
        assertThat(transport.count()).as("no attempt, no retry").isEqualTo(15);
    }

    @Test
    void hedgingAloneStillFeedsTheBudget() {
        Hedge hedge = Hedge.builder().scheduler(clock).executor(Runnable::run).delay(Duration.ofMillis(20))
                .budget(RetryBudget.builder().ticker(clock).build()).build();
        Resilience r = Resilience.builder().scheduler(clock).hedge(hedge).build();
        Calls.FakeNext slow = new Calls.FakeNext();

        CompletableFuture<Object> f = r.intercept(Calls.idempotent(), slow);
        clock.advance(Duration.ofMillis(20));
        slow.attempt(2).complete("hedged");

        assertThat(f).isCompletedWithValue("hedged");
        assertThat(hedge.budget().requests()).isEqualTo(1);
        assertThat(hedge.budget().retries()).isEqualTo(1);
    }

    @Test
    void theDefaultsRetryAndGuardEachEndpoint() {
        Resilience r = Resilience.ofDefaults();
        assertThat(r.steps()).extracting(s -> s.getClass().getSimpleName())
                .containsExactly("DeadlineInterceptor", "Retry", "CircuitBreakers");
        assertThat(r.intercept(Calls.idempotent(), call -> ok("fine"))).isCompletedWithValue("fine");
    }
}
