package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server interceptor records how long each handled message waited, per channel and group, and counts it as a message call. */
class MessageAgeTest {
    /** The event of the test. */
    public record Restocked(String sku) {
    }

    @Test
    void ageOfEachHandledMessagePerGroup() {
        MockClock clock = new MockClock();
        // The registry's wall clock stands 60 s ahead of the test's start: every message looks 60 s
        // old, less however long publishing it took (seconds at most, on a loaded machine).
        clock.add(System.currentTimeMillis() + 60_000 - clock.wallTime(), TimeUnit.MILLISECONDS);
        CourierMetrics metrics = CourierMetrics.builder().registry(new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock))
                .build();
        try (InMemoryBroker broker = InMemoryBroker.create();
             Messaging messaging = Messaging.builder().name("stock-events").broker(broker).codec(JsonCodec.create())
                     .clientInterceptor(metrics.clientInterceptor()).serverInterceptor(metrics.serverInterceptor()).build()) {
            messaging.subscribe(Restocked.class, "shop", e -> { });
            messaging.subscribe(Restocked.class, "audit", e -> { });
            messaging.publish(new Restocked("a"), "a");

            // The age is recorded as a handler starts, its duration as it ends: wait for both.
            Await.until(Duration.ofSeconds(10), "both groups handled the event",
                    () -> metrics.registry().find("messaging.process.age").timers().stream().mapToLong(Timer::count).sum() == 2
                            && metrics.registry().find("rpc.server.duration").tag("rpc.method", "handle").timers().stream()
                                    .mapToLong(Timer::count).sum() == 2);
            for (String group : new String[] {"shop", "audit"}) {
                Timer age = metrics.registry().get("messaging.process.age").tag("messaging.consumer.group.name", group)
                        .tag("messaging.destination.name", "Restocked").timer();
                assertThat(age.count()).isEqualTo(1);
                assertThat(age.totalTime(TimeUnit.MILLISECONDS)).isBetween(30_000.0, 60_000.0);
            }
            assertThat(metrics.registry().get("rpc.server.duration").tag("rpc.system", "message")
                    .tag("rpc.method", "handle").timer().count()).isEqualTo(2);
            assertThat(metrics.registry().get("rpc.client.duration").tag("rpc.system", "message")
                    .tag("rpc.method", "publish").timer().count()).isEqualTo(1);
        }
    }
}
