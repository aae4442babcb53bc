package io.courier.outbox.tailing;

import io.courier.InvalidArgumentException;
import io.courier.UnavailableException;
import io.courier.messaging.Message;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A broker that records what it is sent, in order, and confirms each send at once, or holds
 * the confirmations ({@link #hold()}) to play a broker that has not answered yet, or fails them,
 * or refuses for good the messages over a size limit ({@link #limit}), as Kafka's adapter does.
 */
final class RecordingBroker implements MessageBroker {
    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private volatile boolean holding;
    private final List<Message> refused = new CopyOnWriteArrayList<>();
    private volatile boolean failing;
    private volatile int limit = Integer.MAX_VALUE;

    @Override
    public CompletableFuture<Void> send(Message message) {
        if (message.payload().length > limit) {
            refused.add(message);
            return CompletableFuture.failedFuture(new InvalidArgumentException("payload: " + message.payload().length
                    + " bytes (expected: at most " + limit + ")"));
        }
        if (failing) {
            return CompletableFuture.failedFuture(new UnavailableException("broker down (test)"));
        }
        sent.add(message);
        if (holding) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            synchronized (held) {
                held.add(f);
            }
            return f;
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Refuses for good ({@link InvalidArgumentException}) the messages of more than {@code bytes} from now on. */
    void limit(int bytes) {
        this.limit = bytes;
    }

    /** Every message refused for good, in the order of the sends. */
    List<Message> refused() {
        return List.copyOf(refused);
    }

    /** Every message sent and accepted, in the order of the sends. */
    List<Message> sent() {
        return List.copyOf(sent);
    }

    /** From now on, sends are not confirmed until {@link #release()}. */
    void hold() {
        holding = true;
    }

    /** Confirms every held send, and the later ones at once. */
    void release() {
        holding = false;
        List<CompletableFuture<Void>> copy;
        synchronized (held) {
            copy = List.copyOf(held);
            held.clear();
        }
        copy.forEach(f -> f.complete(null));
    }

    /** Sends fail from now on (or succeed again). */
    void failing(boolean failing) {
        this.failing = failing;
    }

    @Override
    public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
        throw new UnsupportedOperationException("the relay only sends");
    }

    @Override
    public void close() {
    }
}
