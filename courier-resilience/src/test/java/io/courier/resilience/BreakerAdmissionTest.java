package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.UnavailableException;
import io.courier.discovery.EndpointHealth;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What a load balancer asks of the breakers: whether a call would be let through now, and which endpoints to skip. */
class BreakerAdmissionTest {
    private final FakeClock clock = FakeClock.create();

    private CircuitBreakerBuilder breaker() {
        return CircuitBreaker.builder("stock").ticker(clock).countWindow(4).minimumCalls(4)
                .waitInOpen(Duration.ofSeconds(10)).trialCalls(2)
                .slowCallDuration(Duration.ofSeconds(1)).slowCallRateThreshold(50);
    }

    private static void open(CircuitBreaker b) {
        for (int i = 0; i < 4; i++) {
            b.intercept(Calls.idempotent(), call -> failed(new UnavailableException("down")));
        }
    }

    @Test
    void aCallIsPermittedWhenClosedNotWhenOpenAndWhileTrialsAreLeftWhenHalfOpen() {
        CircuitBreaker b = breaker().build();
        assertThat(b.isCallPermitted()).isTrue();
        open(b);
        assertThat(b.isCallPermitted()).isFalse();

        clock.advance(Duration.ofSeconds(10));
        assertThat(b.isCallPermitted()).isTrue();
        assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        b.intercept(Calls.idempotent(), call -> new CompletableFuture<>());
        assertThat(b.isCallPermitted()).isTrue(); // asking takes no permit
        b.intercept(Calls.idempotent(), call -> new CompletableFuture<>());
        assertThat(b.isCallPermitted()).isFalse(); // both trials in flight
    }

    @Test
    void callsCancelledAfterTheSlowCallDurationCountAsSlowAndCanTripTheBreaker() {
        CircuitBreaker b = breaker().build();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<Object> attempt = new CompletableFuture<>();
            b.intercept(Calls.idempotent(), call -> attempt);
            clock.advance(Duration.ofSeconds(1));
            attempt.cancel(true); // a hedge answered first, or the deadline passed
        }

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void callsCancelledEarlyCountNeitherWay() {
        CircuitBreaker b = breaker().build();
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Object> attempt = new CompletableFuture<>();
            b.intercept(Calls.idempotent(), call -> attempt);
            clock.advance(Duration.ofMillis(999));
            attempt.cancel(true);
        }

        assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(b.metrics().calls()).isZero();
    }

    @Test
    void theRegistrysHealthEjectsEndpointsWhoseBreakerWouldRefuse() {
        CircuitBreakers breakers = CircuitBreakers.of(breaker());
        EndpointHealth health = breakers.health();
        assertThat(health.isEjected(Calls.A)).isFalse(); // never called

        open(breakers.forEndpoint(Calls.A));
        breakers.forEndpoint(Calls.B);

        assertThat(health.isEjected(Calls.A)).isTrue();
        assertThat(health.isEjected(Calls.B)).isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThat(health.isEjected(Calls.A)).isFalse(); // offered again for its trials
    }
}
