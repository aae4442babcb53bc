package io.courier.bench.jmh;

import io.courier.bench.load.Tick;
import io.courier.json.JsonCodec;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import io.courier.messaging.spi.SettledOnce;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The consumer path of the messaging core alone, as the {@code rabbitmq} and {@code kafka}
 * scenarios drive it: a keyed subscriber of {@link Tick} events (JSON) receives deliveries for
 * 64 partition keys, at most 64 unhandled at a time (a closed loop), and each is acknowledged
 * after its handler ran. The broker is a stand-in that hands the events published once at the
 * start straight to the subscriber from the benchmark's thread, so what is measured is the
 * messaging core's work per event (key lanes, threads, decoding, checks, the handler's
 * context, the ack), not a broker's. Read with {@code -prof gc} for the allocation per event,
 * or with {@link ConsumerPathCpu} for the CPU time per event on a busy machine; elapsed time
 * includes the hand-off between threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConsumerPathBenchmark {
    private static final int KEYS = 64;
    private static final String TEXT = "the quick brown fox jumps over the lazy dog";

    private final Semaphore unhandled = new Semaphore(KEYS);
    private final AtomicLong acks = new AtomicLong();
    private HandDelivering broker;
    private Messaging messaging;
    private Subscription subscription;
    private Message[] messages;
    private int next;

    @Setup
    public void setUp() {
        broker = new HandDelivering();
        messaging = Messaging.builder().name("bench").broker(broker).codec(JsonCodec.create()).build();
        subscription = messaging.subscribe("ticks", Tick.class, "bench", tick -> unhandled.release());
        for (int k = 0; k < KEYS; k++) {
            messaging.publish("ticks", new Tick(System.nanoTime(), k, TEXT), "key-" + k);
        }
        messages = broker.sent.toArray(Message[]::new);
        if (messages.length != KEYS || broker.handler == null) {
            throw new IllegalStateException("expected " + KEYS + " events and a subscriber, got " + messages.length);
        }
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        if (!unhandled.tryAcquire(KEYS, 10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("events unhandled after 10 s");
        }
        subscription.close();
        messaging.close();
    }

    /** One event delivered to the keyed subscriber, once fewer than 64 are unhandled. */
    @Benchmark
    public long keyedSubscriber() throws InterruptedException {
        unhandled.acquire();
        Message m = messages[next];
        next = next == KEYS - 1 ? 0 : next + 1;
        broker.handler.onDelivery(new Handed(m, acks));
        return acks.get();
    }

    /** A broker that keeps what is published and lets the benchmark deliver it by hand. */
    static final class HandDelivering implements MessageBroker {
        final List<Message> sent = new ArrayList<>();
        volatile DeliveryHandler handler;

        @Override
        public CompletableFuture<Void> send(Message message) {
            sent.add(message);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Subscription subscribe(String channel, String group, DeliveryHandler h) {
            handler = h;
            return new Subscription() {
                @Override
                public String channel() {
                    return channel;
                }

                @Override
                public String group() {
                    return group;
                }

                @Override
                public void close() {
                    handler = null;
                }
            };
        }

        @Override
        public void close() {
        }
    }

    /** A delivery whose ack only counts. */
    static final class Handed extends SettledOnce {
        private final AtomicLong acks;

        Handed(Message message, AtomicLong acks) {
            super(message, 1);
            this.acks = acks;
        }

        @Override
        protected void acknowledge() {
            acks.incrementAndGet();
        }

        @Override
        protected void reject() {
        }
    }
}
