package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.UnavailableException;
import io.courier.json.JsonCodec;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.ProcessedMessages;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.messaging.conformance.Poll;
import io.courier.test.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops while messages flow and starts again on the same data directory and port:
 * sends meanwhile fail retry-safe and are sent again, the consumer resumes from its committed
 * offsets, and every message is handled exactly once by the idempotent consumer, each key in
 * order.
 */
class BrokerRestartTest {
    @TempDir
    Path dir;

    @Test
    void everyMessageIsHandledOnceAfterTheBrokerRestarted() throws Exception {
        int n = 600;
        int keys = 6;
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failedSends = new AtomicInteger();
        JsonCodec json = JsonCodec.create();
        try (LogCapture log = LogCapture.start();
             EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(Files.createDirectories(dir.resolve("kafka"))).build().start()) {
            KafkaConfig config = SharedKafka.config(kafka.bootstrapServers()).sendTimeout(Duration.ofSeconds(3)).build();
            try (KafkaBroker consumerBroker = KafkaBroker.create(config);
                 KafkaBroker publisherBroker = KafkaBroker.create(config);
                 Messaging billing = Messaging.builder().name("billing").broker(consumerBroker).codec(json)
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
                        failedSends.addAndGet(sendUntilConfirmed(publisherBroker, m));
                        confirmed.incrementAndGet();
                    }
                });
                publisher.start();
                Poll.until(Duration.ofSeconds(30), "a quarter sent", () -> confirmed.get() >= n / 4);

                kafka.stop(); // while the publisher sends and the consumer handles
                int sentWhileDown = confirmed.get();
                kafka.start();

                publisher.join(Duration.ofSeconds(90));
                assertThat(publisherFailure.get()).as("the publisher's failure").isNull();
                assertThat(confirmed.get()).as("every send confirmed in the end, after %d retries", failedSends.get())
                        .isEqualTo(n);
                assertThat(sentWhileDown).as("the broker stopped mid-stream").isLessThan(n);

                Poll.until(Duration.ofSeconds(60), () -> calls.get() + " of " + n + " handled", () -> calls.get() >= n);
                assertThat(calls.get()).as("handled once each").isEqualTo(n);
                for (Map.Entry<String, List<Integer>> e : handled.entrySet()) {
                    assertThat(e.getValue()).as("order of " + e.getKey()).isSorted().hasSize(n / keys);
                }
                assertThat(log.lines("ERROR")).as("Courier logged no error").noneMatch(l -> l.contains(" io.courier."));
            }
        }
    }

    /** Sends {@code m} again, same id, until Kafka acknowledged it; how many attempts failed. */
    private static int sendUntilConfirmed(KafkaBroker broker, Message m) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int failed = 0;
        while (true) {
            try {
                broker.send(m).join();
                return failed;
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(UnavailableException.class);
                assertThat(((UnavailableException) e.getCause()).retrySafe()).as(e.getCause().getMessage()).isTrue();
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
}
