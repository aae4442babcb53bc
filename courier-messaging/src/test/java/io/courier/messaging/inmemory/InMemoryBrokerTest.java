package io.courier.messaging.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.UnavailableException;
import io.courier.messaging.Message;
import io.courier.test.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class InMemoryBrokerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    @Test
    void closeEndsEveryThreadEvenWithAHandlerStuckInside() throws Exception {
        InMemoryBroker broker = InMemoryBroker.create();
        CountDownLatch entered = new CountDownLatch(1);
        broker.subscribe("c", "g", d -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await(); // stuck until interrupted
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        broker.subscribe("other", "g", d -> d.ack());
        broker.send(Message.builder().channel("c").build()).join();
        entered.await();

        broker.close();

        assertThat(broker.terminated()).isTrue();
    }

    @Test
    void messagesSentBeforeAnyGroupAreKeptForTheFirstGroup() {
        try (InMemoryBroker broker = InMemoryBroker.create()) {
            broker.send(Message.builder().channel("early").partitionKey("k").payload(new byte[] {1}).build()).join();
            List<Message> got = new CopyOnWriteArrayList<>();

            broker.subscribe("early", "g", d -> { got.add(d.message()); d.ack(); });

            Await.until(PATIENCE, "the early message", () -> got.size() == 1);
        }
    }

    @Test
    void aGroupCreatedLaterDoesNotSeeEarlierMessages() {
        try (InMemoryBroker broker = InMemoryBroker.create()) {
            List<String> first = new CopyOnWriteArrayList<>();
            List<String> late = new CopyOnWriteArrayList<>();
            broker.subscribe("c", "first", d -> { first.add(d.message().id()); d.ack(); });
            broker.send(Message.builder().id("before").channel("c").build()).join();
            Await.until(PATIENCE, "first delivery", () -> first.size() == 1);

            broker.subscribe("c", "late", d -> { late.add(d.message().id()); d.ack(); });
            broker.send(Message.builder().id("after").channel("c").build()).join();

            Await.until(PATIENCE, "second delivery", () -> first.size() == 2 && late.size() == 1);
            assertThat(late).containsExactly("after");
        }
    }

    @Test
    void aFullPartitionWaitsForAcknowledgements() {
        try (InMemoryBroker broker = InMemoryBroker.builder().partitions(1).maxUnackedPerPartition(2).build()) {
            List<io.courier.messaging.spi.Delivery> held = new CopyOnWriteArrayList<>();
            broker.subscribe("c", "g", held::add); // settles nothing yet
            for (int i = 0; i < 5; i++) {
                broker.send(Message.builder().channel("c").partitionKey("k").build()).join();
            }
            Await.until(PATIENCE, "two deliveries", () -> held.size() == 2);
            assertThat(broker.unacknowledged("c", "g")).isEqualTo(5);

            held.get(0).ack();

            Await.until(PATIENCE, "a third delivery after one ack", () -> held.size() == 3);
            assertThat(broker.unacknowledged("c", "g")).isEqualTo(4);
        }
    }

    @Test
    void acknowledgingAfterTheSubscriptionClosedDoesNothing() {
        try (InMemoryBroker broker = InMemoryBroker.create()) {
            List<io.courier.messaging.spi.Delivery> held = new CopyOnWriteArrayList<>();
            var sub = broker.subscribe("c", "g", held::add);
            broker.send(Message.builder().channel("c").build()).join();
            Await.until(PATIENCE, "delivery", () -> held.size() == 1);

            sub.close();
            held.get(0).ack();

            assertThat(broker.unacknowledged("c", "g")).isEqualTo(1);
        }
    }

    @Test
    void sendingToAClosedBrokerFailsAsUnavailable() {
        InMemoryBroker broker = InMemoryBroker.create();
        broker.close();

        assertThatThrownBy(() -> broker.send(Message.builder().channel("c").build()).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> InMemoryBroker.builder().partitions(0))
                .hasMessage("partitions: 0 (expected: > 0)");
    }
}
