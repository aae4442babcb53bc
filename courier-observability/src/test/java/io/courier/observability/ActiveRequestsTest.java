package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Calls in flight of one method metered by several interceptors into one registry (two
 * subscriber groups of one channel, two Messaging instances) are one gauge that counts them all.
 */
class ActiveRequestsTest {
    /** The event of the test. */
    public record Restocked(String sku) {
    }

    @Test
    void handlersOfOneMethodInSeveralGroupsAndInstancesShareOneGauge() throws Exception {
        CourierMetrics metrics = CourierMetrics.builder().build();
        CountDownLatch release = new CountDownLatch(1);
        try (InMemoryBroker broker = InMemoryBroker.create();
             Messaging first = Messaging.builder().name("stock").broker(broker).codec(JsonCodec.create())
                     .serverInterceptor(metrics.serverInterceptor()).build();
             Messaging second = Messaging.builder().name("stock").broker(broker).codec(JsonCodec.create())
                     .serverInterceptor(metrics.serverInterceptor()).build()) {
            first.subscribe(Restocked.class, "shop", e -> await(release));
            second.subscribe(Restocked.class, "audit", e -> await(release));
            first.publish(new Restocked("a"), "a");

            Await.until(Duration.ofSeconds(10), "both handlers in flight", () -> inFlight(metrics) == 2);
            release.countDown();
            Await.until(Duration.ofSeconds(10), "both handlers done", () -> inFlight(metrics) == 0);
            assertThat(metrics.registry().find("rpc.server.active_requests").gauges()).hasSize(1);
        }
    }

    /** The in-flight gauge of the handlers, registered with the first call; -1 before it. */
    private static double inFlight(CourierMetrics metrics) {
        Gauge g = metrics.registry().find("rpc.server.active_requests").tag("rpc.method", "handle").gauge();
        return g == null ? -1 : g.value();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
