package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The threads handlers run on: kept from one message to the next, and clean for each. */
class HandlerThreadsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final Messaging messaging = Messaging.builder().name("billing").broker(broker).codec(JsonCodec.create()).build();

    @AfterEach
    void close() {
        messaging.close();
        broker.close();
    }

    @Test
    void messagesOneAfterAnotherAreHandledOnThreadsKeptBetweenThem() {
        Set<Thread> threads = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        AtomicInteger handled = new AtomicInteger();
        messaging.subscribe(OrderCreated.class, "billing", e -> {
            threads.add(Thread.currentThread());
            handled.incrementAndGet();
        });

        int events = 50;
        for (int i = 0; i < events; i++) {
            int expected = i + 1;
            // A key of its own each time: a new lane, handed to a thread already there.
            messaging.publish(new OrderCreated("order-" + i, i), "order-" + i);
            Await.until(PATIENCE, "event " + i + " handled and acknowledged",
                    () -> handled.get() == expected && broker.unacknowledged("OrderCreated", "billing") == 0);
        }

        // A thread started per message would make 50; a thread finishing as the next message comes makes one more.
        assertThat(threads).hasSizeLessThanOrEqualTo(10);
        assertThat(threads).allMatch(Thread::isVirtual);
    }

    @Test
    void anInterruptAHandlerLeavesBehindDoesNotReachTheNextMessage() throws InterruptedException {
        CountDownLatch secondQueued = new CountDownLatch(1);
        AtomicReference<Thread> first = new AtomicReference<>();
        AtomicReference<Thread> second = new AtomicReference<>();
        AtomicReference<Boolean> secondInterrupted = new AtomicReference<>();
        messaging.subscribe(OrderCreated.class, "billing", e -> {
            if (e.seq() == 0) {
                first.set(Thread.currentThread());
                try {
                    secondQueued.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException unexpected) {
                    throw new IllegalStateException(unexpected);
                }
                Thread.currentThread().interrupt(); // left set on return, as careless code does
            } else {
                second.set(Thread.currentThread());
                secondInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });

        messaging.publish(new OrderCreated("42", 0), "42");
        Await.until(PATIENCE, "the first event in its handler", () -> first.get() != null);
        messaging.publish(new OrderCreated("42", 1), "42"); // waits in the key's lane behind the first
        Await.until(PATIENCE, "the second event delivered", () -> broker.unacknowledged("OrderCreated", "billing") == 2);
        secondQueued.countDown();

        Await.until(PATIENCE, "the second event handled", () -> secondInterrupted.get() != null);
        assertThat(second.get()).isSameAs(first.get()); // the lane's thread went on with it
        assertThat(secondInterrupted.get()).isFalse();
    }
}
