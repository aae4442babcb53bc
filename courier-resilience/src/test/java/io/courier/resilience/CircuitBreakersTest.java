package io.courier.resilience;

import static io.courier.resilience.Calls.A;
import static io.courier.resilience.Calls.B;
import static io.courier.resilience.Calls.failed;
import static io.courier.resilience.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Call;
import io.courier.UnavailableException;
import io.courier.resilience.CircuitBreaker.State;
import io.courier.test.FakeClock;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {
    private final FakeClock clock = FakeClock.create();
    private final List<CircuitBreaker.Transition> events = new CopyOnWriteArrayList<>();
    private final CircuitBreakers registry = CircuitBreakers.of(CircuitBreaker.builder("endpoint").ticker(clock)
            .countWindow(10).minimumCalls(3).listener(events::add));

    private static Call to(URI endpoint) {
        return Calls.idempotent().withTarget(endpoint);
    }

    @Test
    void eachEndpointHasItsOwnBreakerNamedAfterIt() {
        for (int i = 0; i < 3; i++) {
            registry.intercept(to(A), call -> failed(new UnavailableException("A is down")));
        }
        Calls.FakeNext next = new Calls.FakeNext(n -> ok("from B"));

        CompletableFuture<Object> viaB = registry.intercept(to(B), next);

        assertThat(registry.state(A)).isEqualTo(State.OPEN);
        assertThat(registry.state(B)).isEqualTo(State.CLOSED);
        assertThat(viaB).isCompletedWithValue("from B");
        assertThat(registry.intercept(to(A), next).exceptionNow())
                .isInstanceOf(CircuitOpenException.class).hasMessageContaining(A.toString());
        assertThat(events).singleElement().satisfies(t -> assertThat(t.breaker()).isEqualTo(A.toString()));
    }

    @Test
    void retainOnlyDropsTheBreakersOfEndpointsThatLeft() {
        registry.intercept(to(A), call -> ok("a"));
        registry.intercept(to(B), call -> ok("b"));
        assertThat(registry.breakers()).containsOnlyKeys(A, B);

        registry.retainOnly(Set.of(B));

        assertThat(registry.breakers()).containsOnlyKeys(B);
        assertThat(registry.find(A)).isEmpty();
        assertThat(registry.state(A)).as("an unknown endpoint is not held back").isEqualTo(State.CLOSED);
    }

    @Test
    void anEndpointThatComesBackStartsWithAClosedBreaker() {
        for (int i = 0; i < 3; i++) {
            registry.intercept(to(A), call -> failed(new UnavailableException("down")));
        }
        assertThat(registry.state(A)).isEqualTo(State.OPEN);

        assertThat(registry.remove(A)).isTrue();
        assertThat(registry.remove(A)).isFalse();

        assertThat(registry.intercept(to(A), call -> ok("back"))).isCompletedWithValue("back");
        assertThat(registry.state(A)).isEqualTo(State.CLOSED);
    }

    @Test
    void manyEndpointsComingAndGoingDoNotAccumulate() {
        for (int round = 0; round < 100; round++) {
            URI endpoint = URI.create("http://10.0.1." + round + ":8080");
            registry.intercept(to(endpoint), call -> ok("x"));
            registry.retainOnly(Set.of(endpoint));
        }
        assertThat(registry.breakers()).hasSize(1);
    }

    @Test
    void theSameBreakerServesAnEndpointEveryTime() {
        assertThat(registry.forEndpoint(A)).isSameAs(registry.forEndpoint(A)).isNotSameAs(registry.forEndpoint(B));
    }

    @Test
    void callsWithoutATargetPassThrough() {
        CompletableFuture<Object> f = registry.intercept(Calls.idempotent().withTarget(null), call -> ok("local"));
        assertThat(f).isCompletedWithValue("local");
        assertThat(registry.breakers()).isEmpty();
    }
}
