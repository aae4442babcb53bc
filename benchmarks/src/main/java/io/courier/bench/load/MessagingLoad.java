package io.courier.bench.load;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.Subscription;
import io.courier.messaging.inmemory.InMemoryBroker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * courier-messaging on its in-memory broker, in this JVM: a publisher and a subscriber, a
 * requester and a responder, each its own {@link Messaging} sharing one broker, as two services
 * would. JSON payloads, as a service gets by default.
 */
final class MessagingLoad implements AutoCloseable {
    private static final String TEXT = "the quick brown fox jumps over the lazy dog";
    private static final String[] KEYS = new String[64];

    static {
        for (int i = 0; i < KEYS.length; i++) {
            KEYS[i] = "key-" + i;
        }
    }

    private final InMemoryBroker broker = InMemoryBroker.create();
    private final Messaging sender = Messaging.builder().name("bench-sender").broker(broker).codec(JsonCodec.create()).build();
    private final Messaging receiver = Messaging.builder().name("bench-receiver").broker(broker).codec(JsonCodec.create())
            .build();
    private final AtomicInteger runs = new AtomicInteger();

    /**
     * Events published by one thread with at most {@code inFlight} not yet handled, through one
     * group, over 64 partition keys; latency from publishing to the handler.
     */
    Measurement publishSubscribe(String variant, int inFlight, double warmupSeconds, double seconds) throws Exception {
        String channel = "bench-ticks-" + runs.incrementAndGet();
        Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        try (Subscription ignored = receiver.subscribe(channel, Tick.class, "bench", tick -> {
            long now = System.nanoTime();
            if (tick.sentNanos() >= measureFrom && now < end) {
                histogram.recordValue(Math.min(now - tick.sentNanos(), histogram.getHighestTrackableValue()));
            }
            permits.release();
        })) {
            int sequence = 0;
            for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("publish/subscribe: no event handled for 10 s");
                }
                try {
                    sender.publish(channel, new Tick(System.nanoTime(), sequence, TEXT), KEYS[sequence % KEYS.length]);
                } catch (RuntimeException e) {
                    permits.release();
                    errors.incrementAndGet();
                }
                sequence++;
            }
            if (!permits.tryAcquire(inFlight, 10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("publish/subscribe: events still unhandled 10 s after the end");
            }
        }
        return Measurement.of(variant, "closed-" + inFlight, histogram, errors.get(), seconds);
    }

    /** The sender of the request/reply round trip: a command whose reply comes back through the broker. */
    AsyncLoad.Sender requestReply() {
        receiver.handle(EchoCommands.class, payload -> CompletableFuture.completedFuture(payload));
        EchoCommands commands = sender.commands(EchoCommands.class, Duration.ofSeconds(10));
        Payload sample = Payload.sample();
        return () -> commands.echo(sample);
    }

    @Override
    public void close() {
        sender.close();
        receiver.close();
        broker.close();
    }
}
