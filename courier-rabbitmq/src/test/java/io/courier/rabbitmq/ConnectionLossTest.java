package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import io.courier.UnavailableException;
import io.courier.json.JsonCodec;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.ProcessedMessages;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.messaging.conformance.Poll;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every connection is cut by the broker ({@code rabbitmqctl close_all_connections}) while
 * messages flow: the publisher retries what failed retry-safe, consumers reconnect, and every
 * message is handled exactly once by the idempotent consumer, each key in order.
 */
class ConnectionLossTest {
    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @Test
    void everyMessageIsHandledOnceAfterTheBrokerCutEveryConnection() throws Exception {
        int n = 1_000;
        int keys = 8;
        RabbitBroker consumerBroker = rabbit.broker();
        RabbitBroker publisherBroker = rabbit.broker(consumerBroker.config());
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        AtomicInteger calls = new AtomicInteger();
        JsonCodec json = JsonCodec.create();
        try (Messaging billing = Messaging.builder().name("billing").broker(consumerBroker).codec(json)
                .processedMessages(ProcessedMessages.inMemory(10_000)).build()) {
            billing.subscribe("orders", OrderCreated.class, "billing", e -> {
                handled.computeIfAbsent(e.orderId(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.seq());
                calls.incrementAndGet();
            });

            AtomicInteger confirmed = new AtomicInteger();
            AtomicReference<Throwable> publisherFailure = new AtomicReference<>();
            Thread publisher = Thread.ofVirtual().uncaughtExceptionHandler((t, e) -> publisherFailure.set(e)).unstarted(() -> {
                for (int seq = 0; seq < n; seq++) {
                    String key = "o-" + (seq % keys);
                    Message m = Message.builder().channel("orders").type("OrderCreated").partitionKey(key)
                            .contentType(json.mediaType())
                            .payload(json.encode(new OrderCreated(key, seq), OrderCreated.class)).build();
                    sendUntilConfirmed(publisherBroker, m);
                    confirmed.incrementAndGet();
                }
            });
            publisher.start();
            Poll.until(Duration.ofSeconds(30), "a quarter sent", () -> confirmed.get() >= n / 4);
            closeAllConnections(); // while the publisher sends and the consumer handles
            publisher.join(Duration.ofSeconds(60));
            assertThat(publisherFailure.get()).as("the publisher's failure").isNull();
            assertThat(confirmed.get()).as("every send confirmed in the end").isEqualTo(n);

            Poll.until(Duration.ofSeconds(60), () -> calls.get() + " of " + n + " handled", () -> calls.get() >= n);
            assertThat(calls.get()).as("handled once each").isEqualTo(n);
            for (Map.Entry<String, List<Integer>> e : handled.entrySet()) {
                assertThat(e.getValue()).as("order of " + e.getKey()).isSorted().hasSize(n / keys);
            }
        }
    }

    /** Sends {@code m} again, same id, until confirmed; how many attempts failed. */
    private static int sendUntilConfirmed(RabbitBroker broker, Message m) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
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
                    throw new AssertionError("still failing after 30 s", e);
                }
                try {
                    Thread.sleep(20); // a retry backoff, not a wait for a condition
                } catch (InterruptedException ie) {
                    throw new AssertionError(ie);
                }
            }
        }
    }

    private static void closeAllConnections() throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("rabbitmqctl", "close_all_connections", "courier connection loss test")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            abort("rabbitmqctl is not available here (" + e.getMessage() + "); the connection loss test needs it");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("rabbitmqctl: " + out).isZero();
    }
}
