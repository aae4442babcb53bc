package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.RetryPolicy;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A {@link Messaging}'s own meters on the in-memory broker (what they count is the consumers', the
 * same on every broker): a key parked while its message waits for its next attempt, dead letters
 * by reason.
 */
class MessagingMetricsTest {
    /** The event of the test. */
    public record Restocked(String sku) {
    }

    /** Another type, poison on the channel of {@link Restocked}. */
    public record Renamed(String sku) {
    }

    private static Messaging messaging(InMemoryBroker broker, RetryPolicy retry) {
        return Messaging.builder().name("stock-events").broker(broker).codec(JsonCodec.create()).retry(retry).build();
    }

    private static double parked(MeterRegistry r) {
        return r.get("messaging.parked_keys").tag("courier.messaging", "stock-events").gauge().value();
    }

    private static double deadLetters(MeterRegistry r, String reason) {
        return r.get("messaging.dead_letters").tag("courier.messaging", "stock-events").tag("reason", reason)
                .functionCounter().count();
    }

    @Test
    void aKeyIsParkedWhileItsFailedMessageWaits() throws Exception {
        CourierMetrics metrics = CourierMetrics.builder().build();
        MeterRegistry r = metrics.registry();
        CountDownLatch retried = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        try (InMemoryBroker broker = InMemoryBroker.create();
             Messaging messaging = messaging(broker, RetryPolicy.builder().maxAttempts(3)
                     .initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(2)).build())) {
            metrics.bindMessaging(messaging);
            assertThat(parked(r)).isZero();
            messaging.subscribe(Restocked.class, "shop", e -> {
                if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("the shop's database is away");
                }
                retried.countDown();
            });
            messaging.publish(new Restocked("a"), "a");

            Await.until(Duration.ofSeconds(10), "key a parked", () -> parked(r) == 1);
            assertThat(retried.await(10, TimeUnit.SECONDS)).isTrue();
            Await.until(Duration.ofSeconds(10), "no key parked", () -> parked(r) == 0);
            assertThat(deadLetters(r, "retries_exhausted")).isZero();
        }
    }

    @Test
    void deadLettersAreCountedByReason() {
        CourierMetrics metrics = CourierMetrics.builder().build();
        MeterRegistry r = metrics.registry();
        try (InMemoryBroker broker = InMemoryBroker.create();
             Messaging messaging = messaging(broker, RetryPolicy.builder().maxAttempts(2)
                     .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build())) {
            metrics.bindMessaging(messaging);
            messaging.subscribe(Restocked.class, "shop", e -> {
                throw new IllegalStateException("always failing");
            });
            messaging.publish(new Restocked("a"), "a");
            messaging.publish(new Restocked("b"), "b");
            messaging.publish(Messaging.channelOf(Restocked.class), new Renamed("c"), "c");

            Await.until(Duration.ofSeconds(10), "three dead letters",
                    () -> deadLetters(r, "retries_exhausted") + deadLetters(r, "poison") == 3,
                    () -> r.find("messaging.dead_letters").functionCounters().stream()
                            .map(c -> c.getId().getTag("reason") + "=" + c.count()).toList().toString());
            assertThat(deadLetters(r, "retries_exhausted")).isEqualTo(2);
            assertThat(deadLetters(r, "poison")).isEqualTo(1);
            assertThat(parked(r)).isZero();
        }
    }

    @Test
    void theConsumerLagIsNotANumberWhereTheBrokerCannotTell() {
        CourierMetrics metrics = CourierMetrics.builder().build();
        try (InMemoryBroker broker = InMemoryBroker.create();
             Messaging messaging = messaging(broker, RetryPolicy.defaults())) {
            metrics.bindConsumerLag(messaging, "Restocked", "shop");
            messaging.subscribe(Restocked.class, "shop", e -> { });

            assertThat(messaging.consumerLag("Restocked", "shop")).isEmpty();
            assertThat(metrics.registry().get("messaging.consumer.lag").tag("messaging.destination.name", "Restocked")
                    .tag("messaging.consumer.group.name", "shop").gauge().value()).isNaN();
        }
    }
}
