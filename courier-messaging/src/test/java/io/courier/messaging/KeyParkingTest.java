package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A handler failing for one key for a while: the other keys flow, the key is parked, then caught up in order. */
class KeyParkingTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private final FakeClock time = FakeClock.create();
    // One partition: the failing key shares it with every other key, the hardest case.
    private final InMemoryBroker broker = InMemoryBroker.builder().partitions(1).build();
    private final Messaging messaging = Messaging.builder().name("billing").broker(broker).codec(JsonCodec.create())
            .ticker(time).scheduler(time)
            .retry(RetryPolicy.builder().maxAttempts(10).initialBackoff(Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(1)).build())
            .build();

    @AfterEach
    void close() {
        messaging.close();
        broker.close();
    }

    @Test
    void otherKeysFlowWhileOneIsParkedAndItCatchesUpInOrderWithNothingLost() {
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger badAttempts = new AtomicInteger();
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        messaging.subscribe(OrderCreated.class, "billing", e -> {
            if (e.orderId().equals("bad") && down.get()) {
                badAttempts.incrementAndGet();
                throw new IllegalStateException("the bad key's store is down");
            }
            handled.computeIfAbsent(e.orderId(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.seq());
        });

        for (int seq = 0; seq < 20; seq++) {
            for (String key : List.of("bad", "a", "b", "c")) {
                messaging.publish(new OrderCreated(key, seq), key);
            }
        }

        // Every other key is handled while "bad" waits for its retry, and no real time passes.
        Await.until(PATIENCE, () -> "other keys handled: " + handled,
                () -> List.of("a", "b", "c").stream().allMatch(k -> handled.getOrDefault(k, List.of()).size() == 20));
        Await.until(PATIENCE, "the bad key parked on a retry timer", () -> time.pendingTasks() == 1);
        assertThat(handled).doesNotContainKey("bad");
        assertThat(badAttempts.get()).isEqualTo(1);

        // Still failing: each backoff brings one more attempt at the same first message.
        for (int i = 2; i <= 4; i++) {
            time.advance(Duration.ofSeconds(1));
            int expected = i;
            Await.until(PATIENCE, "attempt " + i, () -> badAttempts.get() == expected && time.pendingTasks() == 1);
        }
        assertThat(handled).doesNotContainKey("bad");

        down.set(false);
        time.advance(Duration.ofSeconds(1));

        Await.until(PATIENCE, () -> "bad key caught up: " + handled.get("bad"),
                () -> handled.getOrDefault("bad", List.of()).size() == 20);
        assertThat(handled.get("bad")).isSorted().doesNotHaveDuplicates();
        handled.values().forEach(seqs -> assertThat(seqs).hasSize(20).isSorted());
        Await.until(PATIENCE, "every message acknowledged", () -> broker.unacknowledged("OrderCreated", "billing") == 0);
        assertThat(time.pendingTasks()).isZero();
    }
}
