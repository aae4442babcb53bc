package io.courier.messaging.spi;

import io.courier.messaging.Message;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Delivery} that keeps the settle-once rule for its adapter: the first of
 * {@link #ack()} and {@link #nack()} reaches {@link #acknowledge()} or {@link #reject()}, from
 * whatever thread, and every later call does nothing.
 *
 * <pre>{@code
 * final class MyDelivery extends SettledOnce {
 *     MyDelivery(Message message, int count, Channel channel, long tag) { super(message, count); ... }
 *     protected void acknowledge() { channel.ack(tag); }
 *     protected void reject() { channel.redeliverFrom(tag); }
 * }
 * }</pre>
 */
public abstract class SettledOnce implements Delivery {
    private final Message message;
    private final int deliveryCount;
    private final AtomicBoolean settled = new AtomicBoolean();

    /** A delivery of {@code message}, the {@code deliveryCount}th to its group. */
    protected SettledOnce(Message message, int deliveryCount) {
        this.message = Objects.requireNonNull(message, "message");
        this.deliveryCount = deliveryCount;
    }

    @Override
    public final Message message() {
        return message;
    }

    @Override
    public int deliveryCount() {
        return deliveryCount;
    }

    @Override
    public final void ack() {
        if (settled.compareAndSet(false, true)) {
            acknowledge();
        }
    }

    @Override
    public final void nack() {
        if (settled.compareAndSet(false, true)) {
            reject();
        }
    }

    /** Tells the broker the message is handled; called at most once, and never after {@link #reject()}. */
    protected abstract void acknowledge();

    /** Tells the broker to deliver the message again; called at most once, and never after {@link #acknowledge()}. */
    protected abstract void reject();
}
