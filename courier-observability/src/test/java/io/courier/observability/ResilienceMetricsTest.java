package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import io.courier.UnavailableException;
import io.courier.http.HttpTransportFactory;
import io.courier.resilience.Bulkhead;
import io.courier.resilience.BulkheadFullException;
import io.courier.resilience.CircuitBreaker;
import io.courier.resilience.CircuitOpenException;
import io.courier.resilience.Fallback;
import io.courier.resilience.Hedge;
import io.courier.resilience.Resilience;
import io.courier.resilience.Retry;
import io.courier.resilience.RetryBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the resilience steps of a client do, counted per service and method, each on a real REST
 * server: a hedge sent, a fallback taken, calls refused by a full bulkhead, an open breaker and an
 * empty retry budget.
 */
class ResilienceMetricsTest {
    private final CourierMetrics metrics = CourierMetrics.builder().build();
    private final MeterRegistry registry = metrics.registry();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger served = new AtomicInteger();
    private Courier server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    /** A server whose first call waits until the test releases it; the others answer at once. */
    private void serveFirstCallHeld() {
        server = Courier.builder().name("stock").transport(new HttpTransportFactory()).build();
        server.serve(Stock.class, sku -> {
            if (served.incrementAndGet() == 1) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1;
            }
            return 2;
        });
    }

    private void serveFailing() {
        server = Courier.builder().name("stock").transport(new HttpTransportFactory()).build();
        server.serve(Stock.class, sku -> {
            served.incrementAndGet();
            throw new UnavailableException("stock is down");
        });
    }

    private Stock client(Resilience resilience) {
        metrics.bind(resilience, "stock");
        return resilience.applyTo(server.client(Stock.class)).target(server.uri()).build();
    }

    private double count(String name, String... tags) {
        Counter c = registry.find(name).tags("courier.client", "stock", "rpc.service", "stock", "rpc.method", "level")
                .tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aHedgeSentIsCounted() {
        serveFirstCallHeld();
        Stock stock = client(Resilience.builder().hedge(Hedge.builder().delay(Duration.ofMillis(50)).build()).build());

        assertThat(stock.level("a")).as("the hedge answers while the first attempt is held").isEqualTo(2);
        assertThat(count("courier.hedges")).isEqualTo(1);
        assertThat(count("courier.rejections", "reason", "retry_budget_exhausted")).isZero();
    }

    @Test
    void aFallbackTakenIsCounted() {
        serveFailing();
        Stock stock = client(Resilience.builder().fallback(Fallback.of((call, error) -> -1)).build());

        assertThat(stock.level("a")).isEqualTo(-1);
        assertThat(stock.level("b")).isEqualTo(-1);
        assertThat(count("courier.fallbacks")).isEqualTo(2);
    }

    @Test
    void aFullBulkheadsRejectionIsCounted() throws Exception {
        serveFirstCallHeld();
        Stock stock = client(Resilience.builder().bulkhead(Bulkhead.builder("stock").maxConcurrentCalls(1).build()).build());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> held = threads.submit(() -> stock.level("a"));
            io.courier.test.Await.until(Duration.ofSeconds(10), "the first call on the server", () -> served.get() == 1);

            assertThatThrownBy(() -> stock.level("b")).isInstanceOf(BulkheadFullException.class);
            assertThat(count("courier.rejections", "reason", "bulkhead_full")).isEqualTo(1);
            release.countDown();
            assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        assertThat(count("courier.rejections", "reason", "bulkhead_full")).isEqualTo(1);
    }

    @Test
    void anOpenBreakersRejectionIsCounted() {
        serveFirstCallHeld();
        release.countDown();
        CircuitBreaker breaker = CircuitBreaker.builder("stock").build();
        Stock stock = client(Resilience.builder().serviceBreaker(breaker).build());
        assertThat(stock.level("a")).isEqualTo(1);

        breaker.transitionTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> stock.level("b")).isInstanceOf(CircuitOpenException.class);
        assertThat(count("courier.rejections", "reason", "breaker_open")).isEqualTo(1);
        assertThat(served).hasValue(1);
    }

    @Test
    void aRetryTheBudgetRefusesIsCounted() {
        serveFailing();
        RetryBudget empty = RetryBudget.builder().ratio(0).minRetriesPerSecond(0).build();
        Stock stock = client(Resilience.builder().retry(Retry.builder().maxAttempts(3)
                .initialBackoff(Duration.ofMillis(1)).budget(empty).build()).build());

        assertThatThrownBy(() -> stock.level("a")).isInstanceOf(UnavailableException.class);
        assertThat(served).as("no retry sent").hasValue(1);
        assertThat(count("courier.rejections", "reason", "retry_budget_exhausted")).isEqualTo(1);
    }
}
