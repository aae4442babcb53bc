package io.courier.messaging.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.Delivery;
import io.courier.messaging.spi.MessageBroker;
import io.courier.messaging.spi.ReplyChannelNotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link MessageBroker} checked on the broker SPI alone: groups, competing
 * consumers, order per key under concurrency, redelivery after a nack, a handler's exception
 * and a consumer's death, whole envelopes, large messages and bursts. Part of the conformance
 * suite: extend {@link MessageBrokerConformanceTest}, which runs these and the messaging-level
 * tests together.
 */
public abstract class BrokerConformanceTest {
    /** The broker under test, made fresh for each test by {@link #createBroker()}. */
    protected MessageBroker broker;

    /** A new broker, connected and ready; closed after each test. */
    protected abstract MessageBroker createBroker();

    /** How long a test waits for something that should happen; raise it for slow brokers. */
    protected Duration patience() {
        return Duration.ofSeconds(10);
    }

    /**
     * A channel name no other test uses, so tests against a shared external broker do not see
     * each other's messages.
     */
    protected String channel(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @BeforeEach
    void startBroker() {
        broker = createBroker();
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    protected static Message text(String channel, String key, String body) {
        return Message.builder().channel(channel).partitionKey(key).type("text")
                .payload(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    protected static String body(Delivery d) {
        return new String(d.message().payload(), StandardCharsets.UTF_8);
    }

    @Test
    void everyGroupGetsEveryMessage() {
        String ch = channel("fanout");
        List<String> billing = new CopyOnWriteArrayList<>();
        List<String> shipping = new CopyOnWriteArrayList<>();
        broker.subscribe(ch, "billing", d -> { billing.add(body(d)); d.ack(); });
        broker.subscribe(ch, "shipping", d -> { shipping.add(body(d)); d.ack(); });

        for (int i = 0; i < 20; i++) {
            broker.send(text(ch, "k" + (i % 3), "m" + i)).join();
        }

        Await.until(patience(), () -> "both groups got 20: " + billing.size() + ", " + shipping.size(),
                () -> billing.size() == 20 && shipping.size() == 20);
        assertThat(Set.copyOf(billing)).hasSize(20).isEqualTo(Set.copyOf(shipping));
    }

    @Test
    void consumersOfAGroupCompeteAndEachMessageGoesToOne() {
        String ch = channel("compete");
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        broker.subscribe(ch, "workers", d -> { seen.merge(body(d), 1, Integer::sum); a.incrementAndGet(); d.ack(); });
        broker.subscribe(ch, "workers", d -> { seen.merge(body(d), 1, Integer::sum); b.incrementAndGet(); d.ack(); });

        for (int i = 0; i < 200; i++) {
            broker.send(text(ch, "key-" + i, "m" + i)).join();
        }

        Await.until(patience(), () -> "200 handled, got " + seen.size(), () -> a.get() + b.get() == 200);
        assertThat(seen).hasSize(200);
        assertThat(seen.values()).containsOnly(1);
        assertThat(a.get()).as("first consumer's share").isPositive();
        assertThat(b.get()).as("second consumer's share").isPositive();
    }

    @Test
    void messagesWithOneKeyAreHandledInOrderUnderConcurrency() throws Exception {
        String ch = channel("order");
        int keys = 16;
        int perKey = 100;
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        for (int c = 0; c < 3; c++) {
            broker.subscribe(ch, "ordered", d -> {
                String[] parts = body(d).split(":");
                handled.computeIfAbsent(parts[0], k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(Integer.parseInt(parts[1]));
                d.ack();
            });
        }
        // One sender thread per group of keys: the order of one key is its sender's order.
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            senders.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perKey; i++) {
                    for (int k = first; k < keys; k += 4) {
                        broker.send(text(ch, "k" + k, "k" + k + ":" + i)).join();
                    }
                }
            }));
        }
        for (Thread s : senders) {
            s.join();
        }

        Await.until(patience(), "every message handled",
                () -> handled.values().stream().mapToInt(List::size).sum() == keys * perKey);
        for (Map.Entry<String, List<Integer>> e : handled.entrySet()) {
            assertThat(e.getValue()).as("order of key " + e.getKey()).isSorted().hasSize(perKey);
        }
    }

    @Test
    void aNackedMessageIsDeliveredAgainBeforeTheLaterOnesOfItsKey() {
        String ch = channel("nack");
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger nacks = new AtomicInteger();
        broker.subscribe(ch, "g", d -> {
            if (body(d).equals("m1") && nacks.getAndIncrement() == 0) {
                d.nack();
                return;
            }
            handled.add(body(d) + "#" + d.deliveryCount());
            d.ack();
        });

        for (int i = 0; i < 4; i++) {
            broker.send(text(ch, "same", "m" + i)).join();
        }

        Await.until(patience(), () -> "4 handled: " + handled, () -> handled.size() >= 4);
        assertThat(handled).startsWith("m0#1", "m1#2");
        assertThat(handled.stream().map(s -> s.substring(0, 2)).distinct()).containsExactly("m0", "m1", "m2", "m3");
    }

    @Test
    void aHandlerThatThrowsGetsTheMessageAgain() {
        String ch = channel("throws");
        AtomicInteger calls = new AtomicInteger();
        List<Integer> counts = new CopyOnWriteArrayList<>();
        broker.subscribe(ch, "g", d -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("consumer failure (expected by the test)");
            }
            counts.add(d.deliveryCount());
            d.ack();
        });

        try (LogCapture log = LogCapture.start()) {
            broker.send(text(ch, "k", "once")).join();

            Await.until(patience(), "redelivery", () -> !counts.isEmpty());
            assertThat(counts).containsExactly(2);
            // A broker may say at WARN that it delivers again; a handler's failure is no ERROR of Courier's.
            assertThat(log.lines("WARN")).as("%s", log).filteredOn(line -> line.contains(" io.courier."))
                    .allSatisfy(line -> assertThat(line).contains(ch));
            assertThat(log.lines("ERROR")).as("%s", log).filteredOn(line -> line.contains(" io.courier.")).isEmpty();
        }
    }

    @Test
    void aConsumerThatDiesMidMessageHasItsMessagesDeliveredToAnother() throws Exception {
        String ch = channel("dies");
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Subscription dying = broker.subscribe(ch, "g", d -> {
            stuck.countDown();
            try {
                never.await(); // the consumer hangs mid-message and never acknowledges
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        broker.send(text(ch, "k", "first")).join();
        broker.send(text(ch, "k", "second")).join();
        assertThat(stuck.await(patience().toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        List<String> survivor = new CopyOnWriteArrayList<>();
        broker.subscribe(ch, "g", d -> { survivor.add(body(d) + "#" + d.deliveryCount()); d.ack(); });
        dying.close();

        Await.until(patience(), () -> "both redelivered: " + survivor, () -> survivor.size() >= 2);
        assertThat(survivor).startsWith("first#2");
        assertThat(survivor).anyMatch(s -> s.startsWith("second#"));
        never.countDown();
    }

    @Test
    void theWholeEnvelopeArrivesUnchanged() {
        String ch = channel("envelope");
        List<Message> got = new CopyOnWriteArrayList<>();
        broker.subscribe(ch, "g", d -> { got.add(d.message()); d.ack(); });
        Instant at = Instant.ofEpochMilli(1_700_000_000_000L);
        Message sent = Message.builder().id("id-1").type("T").source("src").channel(ch).correlationId("corr")
                .replyTo("replies").partitionKey("key").deadline(Deadline.after(Duration.ofMinutes(1)))
                .traceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .contentType("application/json").timestamp(at).header("x-a", "1").header("x-a", "2")
                .payload(new byte[] {0, 1, 2, (byte) 255}).build();

        broker.send(sent).join();

        Await.until(patience(), "delivery", () -> !got.isEmpty());
        Message m = got.get(0);
        assertThat(m.id()).isEqualTo("id-1");
        assertThat(m.type()).hasValue("T");
        assertThat(m.source()).hasValue("src");
        assertThat(m.channel()).isEqualTo(ch);
        assertThat(m.correlationId()).hasValue("corr");
        assertThat(m.replyTo()).hasValue("replies");
        assertThat(m.partitionKey()).hasValue("key");
        assertThat(m.deadline().orElseThrow().remaining()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
        assertThat(m.traceContext()).hasValue("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(m.contentType()).hasValue("application/json");
        assertThat(m.timestamp()).isEqualTo(at);
        assertThat(m.headers().getAll("x-a")).containsExactly("1", "2");
        assertThat(m.payload()).containsExactly(0, 1, 2, 255);
    }

    @Test
    void aReplyToAChannelThatDoesNotExistFailsAndIsKeptNowhere() {
        String ch = channel("gone") + ".replies.0badf00d";
        Message reply = Message.builder().id("reply-1").channel(ch).correlationId("request-1").partitionKey("k")
                .header(MessageHeaders.STATUS, "OK").payload(new byte[0]).build();

        assertThatThrownBy(() -> broker.send(reply).join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(ReplyChannelNotFoundException.class).hasMessageContaining(ch)
                .matches(e -> !((CourierException) e).retrySafe(), "not retry-safe");

        // Had the reply made its channel, the channel would keep it for its first group, before
        // what comes next with the same key.
        List<String> got = new CopyOnWriteArrayList<>();
        broker.subscribe(ch, "g", d -> { got.add(d.message().id()); d.ack(); });
        broker.send(text(ch, "k", "after").toBuilder().id("after-1").build()).join();
        Await.until(patience(), () -> "the message after: " + got, () -> got.contains("after-1"));
        assertThat(got).containsExactly("after-1");
    }

    @Test
    void aOneMebibyteMessageArrivesWhole() {
        String ch = channel("large");
        byte[] big = new byte[1024 * 1024];
        ThreadLocalRandom.current().nextBytes(big);
        List<byte[]> got = new CopyOnWriteArrayList<>();
        broker.subscribe(ch, "g", d -> { got.add(d.message().payload()); d.ack(); });

        broker.send(Message.builder().channel(ch).payload(big).build()).join();

        Await.until(patience(), "the large message", () -> !got.isEmpty());
        assertThat(got.get(0)).isEqualTo(big);
    }

    @Test
    void aBurstOfTenThousandMessagesLosesNone() {
        String ch = channel("burst");
        int n = 10_000;
        Set<String> seen = ConcurrentHashMap.newKeySet();
        broker.subscribe(ch, "g", d -> { seen.add(body(d)); d.ack(); });
        broker.subscribe(ch, "g", d -> { seen.add(body(d)); d.ack(); });

        List<java.util.concurrent.CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sends.add(broker.send(text(ch, "k" + (i % 64), Integer.toString(i))));
        }
        sends.forEach(java.util.concurrent.CompletableFuture::join);

        Await.until(patience().multipliedBy(3), () -> seen.size() + " of " + n + " handled", () -> seen.size() == n);
    }
}
