package io.courier.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import io.courier.InternalException;
import io.courier.UnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The policies on a real client proxy, added with {@code ClientBuilder.interceptor}, over the in-process transport. */
class InProcessClientTest {
    private final AtomicInteger itemCalls = new AtomicInteger();
    private final AtomicInteger createCalls = new AtomicInteger();
    private final Courier courier = Courier.builder().name("resilience-test").build();

    /** Fails the first {@code failures} calls of each method as an unavailable service would. */
    private Inventory flaky(int failures) {
        return new Inventory() {
            @Override
            public String item(long id) {
                if (itemCalls.incrementAndGet() <= failures) {
                    throw new UnavailableException("warming up");
                }
                return "item " + id;
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
                createCalls.incrementAndGet();
                throw new InternalException("disk full");
            }

            @Override
            public void touch(long id) {
            }
        };
    }

    @AfterEach
    void close() {
        courier.close();
    }

    private Retry fastRetry() {
        return Retry.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).build();
    }

    @Test
    void anIdempotentCallSucceedsThroughTransientFailures() {
        courier.serve(Inventory.class, flaky(2));
        Inventory client = courier.client(Inventory.class).target(courier.uri())
                .interceptor(Resilience.builder().retry(fastRetry()).endpointBreakers(CircuitBreakers.ofDefaults()).build())
                .build();

        assertThat(client.item(7)).isEqualTo("item 7");
        assertThat(itemCalls).hasValue(3);
    }

    @Test
    void aNonIdempotentCallIsSentOnceAndFallsBackByMethod() {
        courier.serve(Inventory.class, flaky(0));
        Resilience resilience = Resilience.builder().retry(fastRetry())
                .fallback(Fallback.builder().on(Inventory.class, s -> s.create(""), (call, error) -> "queued " + call.args().get(0))
                        .build())
                .build();
        Inventory client = courier.client(Inventory.class).target(courier.uri()).interceptor(resilience).build();

        assertThat(client.create("bolt")).isEqualTo("queued bolt");
        assertThat(createCalls).hasValue(1);
    }

    @Test
    void anOpenEndpointBreakerFailsFastWithItsName() {
        courier.serve(Inventory.class, flaky(Integer.MAX_VALUE));
        CircuitBreakers breakers = CircuitBreakers.of(CircuitBreaker.builder("endpoint").countWindow(3).minimumCalls(3));
        Inventory client = courier.client(Inventory.class).target(courier.uri())
                .interceptor(Resilience.builder().endpointBreakers(breakers).build()).build();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.item(1)).isInstanceOf(UnavailableException.class);
        }

        assertThatThrownBy(() -> client.item(1)).isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining(courier.uri().toString());
        assertThat(itemCalls).hasValue(3);
    }
}
