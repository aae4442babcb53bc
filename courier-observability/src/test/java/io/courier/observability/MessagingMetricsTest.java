package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.GroupCounts;
import io.courier.messaging.Messaging;
import io.courier.messaging.RetryPolicy;
import io.courier.messaging.Subscription;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /** The dead letters of every group, for {@code reason}, as a scrape sees them (after a refresh). */
    private static double deadLetters(CourierMetrics metrics, String reason) {
        metrics.refresh();
        return metrics.registry().find("messaging.dead_letters").tag("courier.messaging", "stock-events")
                .tag("reason", reason).functionCounters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static double deadLetters(CourierMetrics metrics, String group, String reason) {
        metrics.refresh();
        return metrics.registry().get("messaging.dead_letters").tag("courier.messaging", "stock-events")
                .tag("messaging.destination.name", Messaging.channelOf(Restocked.class))
                .tag("messaging.consumer.group.name", group).tag("reason", reason).functionCounter().count();
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
            assertThat(deadLetters(metrics, "retries_exhausted")).isZero();
        }
    }

    @Test
    void deadLettersAreCountedByGroupAndReason() {
        CourierMetrics metrics = CourierMetrics.builder().build();
        MeterRegistry r = metrics.registry();
        try (InMemoryBroker broker = InMemoryBroker.create();
             Messaging messaging = messaging(broker, RetryPolicy.builder().maxAttempts(2)
                     .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build())) {
            metrics.bindMessaging(messaging); // before the groups subscribe: they are added on the next refresh
            messaging.subscribe(Restocked.class, "shop", e -> {
                throw new IllegalStateException("always failing");
            });
            AtomicInteger audited = new AtomicInteger();
            messaging.subscribe(Restocked.class, "audit", e -> audited.incrementAndGet());
            assertThat(deadLetters(metrics, "audit", "poison")).as("a group is shown before its first").isZero();

            messaging.publish(new Restocked("a"), "a");
            messaging.publish(new Restocked("b"), "b");
            messaging.publish(Messaging.channelOf(Restocked.class), new Renamed("c"), "c");

            Await.until(Duration.ofSeconds(10), "four dead letters",
                    () -> deadLetters(metrics, "retries_exhausted") + deadLetters(metrics, "poison") == 4,
                    () -> r.find("messaging.dead_letters").functionCounters().stream()
                            .map(c -> c.getId().getTag("messaging.consumer.group.name") + "/"
                                    + c.getId().getTag("reason") + "=" + c.count()).toList().toString());
            assertThat(deadLetters(metrics, "shop", "retries_exhausted")).isEqualTo(2);
            assertThat(deadLetters(metrics, "shop", "poison")).as("another type on the channel").isEqualTo(1);
            assertThat(deadLetters(metrics, "audit", "retries_exhausted")).isZero();
            assertThat(deadLetters(metrics, "audit", "poison")).isEqualTo(1);
            assertThat(audited).hasValue(2);
            assertThat(messaging.groupCounts()).containsExactly(
                    new GroupCounts(Messaging.channelOf(Restocked.class), "audit", 0, 1, 0),
                    new GroupCounts(Messaging.channelOf(Restocked.class), "shop", 0, 1, 2));
            assertThat(messaging.deadLettered(false)).isEqualTo(2);
            assertThat(parked(r)).isZero();
        }
    }

    @Test
    void aMessageDeliveredAgainIsCountedByTheGroupThatGotItAgain() throws Exception {
        CourierMetrics metrics = CourierMetrics.builder().build();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        String channel = Messaging.channelOf(Restocked.class);
        try (InMemoryBroker broker = InMemoryBroker.create();
             Messaging first = Messaging.builder().name("first").broker(broker).codec(JsonCodec.create()).build();
             Messaging second = messaging(broker, RetryPolicy.defaults())) {
            metrics.bindMessaging(second);
            Subscription stuck = first.subscribe(Restocked.class, "shop", e -> {
                entered.countDown();
                await(release);
            });
            first.publish(new Restocked("a"), "a");
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            second.subscribe(Restocked.class, "shop", e -> handled.add(e.sku()));

            stuck.close(); // its member leaves with the message unsettled: the broker hands it to the other
            Await.until(Duration.ofSeconds(10), () -> "handled by the second: " + handled, () -> handled.contains("a"));
            release.countDown();

            metrics.refresh();
            assertThat(metrics.registry().get("messaging.redeliveries").tag("courier.messaging", "stock-events")
                    .tag("messaging.destination.name", channel).tag("messaging.consumer.group.name", "shop")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(second.redelivered(channel, "shop")).isEqualTo(1);
            assertThat(first.redelivered(channel, "shop")).as("its first delivery").isZero();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
