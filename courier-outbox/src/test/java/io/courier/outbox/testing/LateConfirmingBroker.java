package io.courier.outbox.testing;

import io.courier.messaging.Message;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A broker that confirms each send a while after it (on a thread of its own), as a broker over
 * a network does, and keeps what a relay had sent and not yet seen confirmed: the payload bytes
 * waiting for their confirmation at each send, and the largest such figure. A relay that sends a
 * whole batch before it waits shows the batch here.
 */
public final class LateConfirmingBroker implements MessageBroker {
    /** One send: the message's payload as text, its size, and the payload bytes unconfirmed right after it. */
    public record Send(String payload, int bytes, long unconfirmed) {
    }

    private final ScheduledExecutorService confirmer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("late-confirming-broker").factory());
    private final long delayNanos;
    private final List<Send> sends = new ArrayList<>();
    private long unconfirmed;
    private long largest;

    /** Confirms each send {@code delay} after it. */
    public LateConfirmingBroker(Duration delay) {
        this.delayNanos = delay.toNanos();
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        int bytes = message.payload().length;
        synchronized (this) {
            unconfirmed += bytes;
            largest = Math.max(largest, unconfirmed);
            sends.add(new Send(new String(message.payload(), 0, Math.min(bytes, 32), StandardCharsets.UTF_8), bytes,
                    unconfirmed));
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        confirmer.schedule(() -> {
            synchronized (this) {
                unconfirmed -= bytes;
            }
            f.complete(null);
        }, delayNanos, TimeUnit.NANOSECONDS);
        return f;
    }

    /** Every send so far, in order. */
    public synchronized List<Send> sends() {
        return List.copyOf(sends);
    }

    /** The most payload bytes sent and not yet confirmed at once. */
    public synchronized long largestUnconfirmed() {
        return largest;
    }

    @Override
    public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
        throw new UnsupportedOperationException("the relay only sends");
    }

    @Override
    public void close() {
        confirmer.shutdownNow();
    }
}
