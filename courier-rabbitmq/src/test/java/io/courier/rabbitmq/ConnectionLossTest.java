package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.UnavailableException;
import io.courier.json.JsonCodec;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.ProcessedMessages;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker goes away while messages flow: every connection cut by the broker
 * ({@code rabbitmqctl close_all_connections}), or the broker itself stopped and started again
 * ({@code rabbitmqctl stop_app}, then {@code start_app}). The publisher retries what failed
 * retry-safe, consumers reconnect, and every message is handled exactly once by the idempotent
 * consumer, each key in order.
 */
class ConnectionLossTest {
    private static final int N = 1_000;
    private static final int KEYS = 8;

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @Test
    void everyMessageIsHandledOnceAfterTheBrokerCutEveryConnection() throws Exception {
        everyMessageIsHandledOnceAcross(down -> {
            RabbitCtl.run("close_all_connections", "courier connection loss test");
            down.countDown();
        });
    }

    /**
     * A real restart of the broker application mid-stream: its listener goes away (sends fail
     * retry-safe until it is back), its connections with it, and it comes back from its durable
     * state, with the messages confirmed but not yet handled still in the partition queues and
     * the ones handled but not acknowledged delivered again. The broker is down for a few
     * seconds, for everyone using it: this runs only where that is allowed (see
     * {@link RabbitCtl#requireRestartAllowed()}).
     */
    @Test
    void everyMessageIsHandledOnceAcrossABrokerRestart() throws Exception {
        RabbitCtl.requireRestartAllowed();
        int failedSends = everyMessageIsHandledOnceAcross(down -> {
            try {
                RabbitCtl.stopApp();
                // Down for real: nothing listens until start_app, so the publisher's sends fail meanwhile.
                Await.until(Duration.ofSeconds(30), "RabbitMQ's listener to close", () -> !RabbitCtl.listening());
                down.countDown();
            } finally {
                RabbitCtl.startApp(); // always: other tests on this machine use the same broker
            }
        });
        assertThat(failedSends).as("sends that failed retry-safe while the broker was down").isPositive();
    }

    /**
     * Publishes {@link #N} events over {@link #KEYS} keys, one at a time, each sent again until
     * confirmed; runs {@code disruption} once a quarter of them are confirmed, and sends the
     * second half only once it says the broker is down, so that they meet; then checks that each
     * was handled once, in key order, and that the AMQP client logged no error. Returns how many
     * sends failed and were sent again.
     */
    private int everyMessageIsHandledOnceAcross(Disruption disruption) throws Exception {
        RabbitBroker consumerBroker = rabbit.broker();
        RabbitBroker publisherBroker = rabbit.broker(consumerBroker.config());
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        CountDownLatch down = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        JsonCodec json = JsonCodec.create();
        try (LogCapture log = LogCapture.start();
             Messaging billing = Messaging.builder().name("billing").broker(consumerBroker).codec(json)
                .processedMessages(ProcessedMessages.inMemory(10_000)).build()) {
            billing.subscribe("orders", OrderCreated.class, "billing", e -> {
                handled.computeIfAbsent(e.orderId(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.seq());
                calls.incrementAndGet();
            });

            AtomicInteger confirmed = new AtomicInteger();
            AtomicInteger failedSends = new AtomicInteger();
            AtomicReference<Throwable> publisherFailure = new AtomicReference<>();
            Thread publisher = Thread.ofVirtual().uncaughtExceptionHandler((t, e) -> publisherFailure.set(e)).unstarted(() -> {
                for (int seq = 0; seq < N; seq++) {
                    if (seq == N / 2) {
                        await(down);
                    }
                    String key = "o-" + (seq % KEYS);
                    Message m = Message.builder().channel("orders").type("OrderCreated").partitionKey(key)
                            .contentType(json.mediaType())
                            .payload(json.encode(new OrderCreated(key, seq), OrderCreated.class)).build();
                    failedSends.addAndGet(sendUntilConfirmed(publisherBroker, m));
                    confirmed.incrementAndGet();
                }
            });
            publisher.start();
            Await.until(Duration.ofSeconds(30), "a quarter sent", () -> confirmed.get() >= N / 4);
            disruption.run(down); // while the publisher sends and the consumer handles
            assertThat(publisher.join(Duration.ofSeconds(90))).as("the publisher finished").isTrue();
            assertThat(publisherFailure.get()).as("the publisher's failure").isNull();
            assertThat(confirmed.get()).as("every send confirmed in the end").isEqualTo(N);

            Await.until(Duration.ofSeconds(60), () -> calls.get() + " of " + N + " handled", () -> calls.get() >= N);
            assertThat(calls.get()).as("handled once each").isEqualTo(N);
            for (Map.Entry<String, List<Integer>> e : handled.entrySet()) {
                assertThat(e.getValue()).as("order of " + e.getKey()).isSorted().hasSize(N / KEYS);
            }
            // The client warns of each connection the broker dropped: expected, but never an error.
            assertThat(log.lines("ERROR")).as(log.toString()).isEmpty();
            return failedSends.get();
        }
    }

    /** Sends {@code m} again, same id, until confirmed; how many attempts failed. */
    private static int sendUntilConfirmed(RabbitBroker broker, Message m) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int failed = 0;
        while (true) {
            try {
                broker.send(m).join();
                return failed;
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(UnavailableException.class);
                assertThat(((UnavailableException) e.getCause()).retrySafe()).isTrue();
                failed++;
                if (System.nanoTime() > end) {
                    throw new AssertionError("still failing after 60 s", e);
                }
                try {
                    Thread.sleep(20); // a retry backoff, not a wait for a condition
                } catch (InterruptedException ie) {
                    throw new AssertionError(ie);
                }
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(60, TimeUnit.SECONDS)).as("the broker went away within 60 s").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Takes the broker away; counts {@code down} down once it is gone. */
    private interface Disruption {
        void run(CountDownLatch down) throws Exception;
    }
}
