package io.courier.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.UnavailableException;
import io.courier.discovery.ServiceInstance;
import io.courier.test.FakeClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Resilience.applyTo} on a discovery client over the in-process transport: three
 * instances, one of which fails on demand; the breakers run on a fake clock.
 */
class ApplyToClientTest {
    private final FakeClock clock = FakeClock.create();
    private final ListedInstances discovery = new ListedInstances();
    private final List<Instance> instances = new ArrayList<>();
    private final Courier client = Courier.builder().name("client").discovery(discovery).build();

    /** One served instance: counts its calls, fails while {@code broken}. */
    private static final class Instance implements Inventory {
        final Courier courier;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicBoolean broken = new AtomicBoolean();

        Instance(String name) {
            courier = Courier.builder().name(name).build();
            courier.serve(Inventory.class, this);
        }

        URI uri() {
            return courier.uris().getFirst();
        }

        ServiceInstance listed() {
            return ServiceInstance.of("inventory", courier.name(), List.of(uri()));
        }

        @Override
        public String item(long id) {
            calls.incrementAndGet();
            if (broken.get()) {
                throw new UnavailableException(courier.name() + " is broken");
            }
            return courier.name();
        }

        @Override
        public int count(long id) {
            return 0;
        }

        @Override
        public CompletableFuture<String> itemAsync(long id) {
            return CompletableFuture.completedFuture(item(id));
        }

        @Override
        public String create(String name) {
            return name;
        }

        @Override
        public void touch(long id) {
        }
    }

    private void start(int n) {
        for (int i = 0; i < n; i++) {
            instances.add(new Instance("inventory-" + i));
        }
        discovery.set(instances.stream().map(Instance::listed).toList());
    }

    @AfterEach
    void close() {
        client.close();
        instances.forEach(i -> i.courier.close());
    }

    private Resilience resilience(CircuitBreakers breakers) {
        return Resilience.builder()
                .retry(Retry.builder().maxAttempts(3).random(() -> 0L).build()) // no backoff: nothing waits
                .endpointBreakers(breakers)
                .build();
    }

    private CircuitBreakers breakers() {
        return CircuitBreakers.of(CircuitBreaker.builder("endpoint").ticker(clock)
                .countWindow(10).minimumCalls(5).waitInOpen(Duration.ofSeconds(10)).trialCalls(2));
    }

    @Test
    void aFailingInstanceIsEjectedWhileEveryCallSucceedsOnItsSiblings() {
        start(3);
        Instance bad = instances.get(1);
        bad.broken.set(true);
        CircuitBreakers breakers = breakers();
        Inventory inventory = resilience(breakers).applyTo(client.client(Inventory.class)).build();

        for (int i = 0; i < 60; i++) {
            assertThat(inventory.item(i)).isNotEqualTo(bad.courier.name());
        }
        assertThat(breakers.state(bad.uri())).isEqualTo(CircuitBreaker.State.OPEN);
        int seenByBad = bad.calls.get();
        for (int i = 0; i < 60; i++) {
            inventory.item(i);
        }

        assertThat(bad.calls).hasValue(seenByBad); // ejected: not even tried
        assertThat(seenByBad).isBetween(5, 10);
    }

    @Test
    void aRetryGoesToAnEndpointTheCallHasNotTried() {
        start(2);
        instances.get(0).broken.set(true);
        // A breaker that never opens, so that only the choice of the retry's endpoint matters.
        CircuitBreakers never = CircuitBreakers.of(CircuitBreaker.builder("endpoint").minimumCalls(1000).countWindow(1000));
        Resilience resilience = Resilience.builder()
                .retry(Retry.builder().maxAttempts(2).random(() -> 0L).build()).endpointBreakers(never).build();
        Inventory inventory = resilience.applyTo(client.client(Inventory.class), new AlwaysFirst()).build();

        for (int i = 0; i < 20; i++) {
            assertThat(inventory.item(i)).isEqualTo("inventory-1");
        }
        assertThat(instances.get(0).calls).hasValue(20); // every first attempt went there, every retry elsewhere
    }

    @Test
    void anEjectedInstanceGetsItsTrialCallsAfterTheWaitAndIsReadmitted() {
        start(3);
        Instance bad = instances.get(2);
        bad.broken.set(true);
        CircuitBreakers breakers = breakers();
        Inventory inventory = resilience(breakers).applyTo(client.client(Inventory.class)).build();
        for (int i = 0; i < 60; i++) {
            inventory.item(i);
        }
        assertThat(breakers.state(bad.uri())).isEqualTo(CircuitBreaker.State.OPEN);

        bad.broken.set(false);
        clock.advance(Duration.ofSeconds(10));
        int before = bad.calls.get();
        inventory.item(1);
        inventory.item(2);

        assertThat(bad.calls).hasValue(before + 2); // the two trials went straight there
        assertThat(breakers.state(bad.uri())).isEqualTo(CircuitBreaker.State.CLOSED);
        for (int i = 0; i < 60; i++) {
            inventory.item(i);
        }
        assertThat(bad.calls.get()).isGreaterThan(before + 2); // and it takes its share again
    }

    @Test
    void aTrialThatFailsEjectsTheInstanceAgainAndTheCallSucceedsElsewhere() {
        start(3);
        Instance bad = instances.get(0);
        bad.broken.set(true);
        CircuitBreakers breakers = breakers();
        Inventory inventory = resilience(breakers).applyTo(client.client(Inventory.class)).build();
        for (int i = 0; i < 60; i++) {
            inventory.item(i);
        }
        clock.advance(Duration.ofSeconds(10));
        int before = bad.calls.get();

        assertThat(inventory.item(1)).isNotEqualTo(bad.courier.name());

        assertThat(bad.calls).hasValue(before + 1);
        assertThat(breakers.state(bad.uri())).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void theBreakersOfInstancesThatLeftDiscoveryAreDropped() {
        start(3);
        CircuitBreakers breakers = breakers();
        Inventory inventory = resilience(breakers).applyTo(client.client(Inventory.class), new RoundRobin()).build();
        for (int i = 0; i < 9; i++) {
            inventory.item(i);
        }
        assertThat(breakers.breakers()).hasSize(3);

        discovery.set(List.of(instances.get(0).listed(), instances.get(2).listed()));

        assertThat(breakers.breakers().keySet()).containsExactlyInAnyOrder(instances.get(0).uri(), instances.get(2).uri());
    }

    @Test
    void withoutDiscoveryTheSamePartsRunAroundTheFixedTarget() {
        start(1);
        Instance only = instances.getFirst();
        only.broken.set(true);
        CircuitBreakers breakers = breakers();
        Inventory inventory = resilience(breakers).applyTo(client.client(Inventory.class).target(only.uri())).build();

        for (int i = 0; i < 3; i++) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> inventory.item(1))
                    .isInstanceOf(UnavailableException.class);
        }

        assertThat(only.calls).hasValue(5); // 3 calls x 3 attempts, cut short when the breaker opened at 5
        assertThat(breakers.state(only.uri())).isEqualTo(CircuitBreaker.State.OPEN);
    }

    /** Always the first candidate: a retry that lands elsewhere was steered there. */
    private static final class AlwaysFirst implements io.courier.discovery.LoadBalancer {
        @Override
        public io.courier.discovery.Endpoint pick(List<io.courier.discovery.Endpoint> candidates, io.courier.Call call) {
            return candidates.getFirst();
        }
    }
}
