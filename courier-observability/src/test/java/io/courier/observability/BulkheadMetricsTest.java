package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.ResourceExhaustedException;
import io.courier.resilience.Bulkhead;
import io.courier.test.Await;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/** A bulkhead's calls in flight and limit as gauges; its rejections as RESOURCE_EXHAUSTED calls. */
class BulkheadMetricsTest {
    @Test
    void inFlightLimitAndRejections() throws Exception {
        Bulkhead bulkhead = Bulkhead.builder("stock").maxConcurrentCalls(1).build();
        CourierMetrics metrics = CourierMetrics.builder().build().bind(bulkhead);
        MeterRegistry r = metrics.registry();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Courier c = Courier.builder().name("bulk").clientInterceptor(metrics.clientInterceptor()).build();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            c.serve(Stock.class, sku -> {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1;
            });
            Stock stock = c.client(Stock.class).target(c.uris().get(0)).interceptor(bulkhead).build();
            Future<Integer> held = threads.submit(() -> stock.level("a"));
            entered.await();
            assertThat(r.get("courier.bulkhead.in_flight").tag("courier.bulkhead", "stock").gauge().value()).isEqualTo(1);
            assertThat(r.get("courier.bulkhead.limit").gauge().value()).isEqualTo(1);
            assertThat(CompletableFuture.supplyAsync(() -> {
                try {
                    return stock.level("b");
                } catch (ResourceExhaustedException e) {
                    return -1;
                }
            }, threads).get()).isEqualTo(-1);
            release.countDown();
            assertThat(held.get()).isEqualTo(1);
            // Released as the call completes, on the thread that completes it.
            Await.until(Duration.ofSeconds(10), "the bulkhead empty",
                    () -> r.get("courier.bulkhead.in_flight").gauge().value() == 0);
            assertThat(r.get("rpc.client.duration").tag("rpc.response.status_code", "RESOURCE_EXHAUSTED").timer().count())
                    .isEqualTo(1);
        }
    }
}
