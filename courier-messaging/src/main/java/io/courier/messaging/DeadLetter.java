package io.courier.messaging;

import io.courier.messaging.internal.DeadLetters;
import io.courier.messaging.spi.Delivery;
import java.util.function.Consumer;

/**
 * A message a group gave up on, as read from its dead-letter channel, with why, and the two
 * ways to settle it: {@link #replay()} it to the group that failed it, or {@link #discard()} it.
 * Until one of them is called it stays on the dead-letter channel (it is delivered again if the
 * reader goes away). Thread-safe.
 *
 * <pre>{@code
 * messaging.deadLetters("OrderCreated", "billing", letter -> {
 *     log.warn("{} failed: {}", letter.message(), letter.reason());
 *     if (gatewayIsBack()) letter.replay(); else letter.discard();
 * });
 * }</pre>
 */
public final class DeadLetter {
    private final Delivery delivery;
    private final Consumer<Message> resend;

    DeadLetter(Delivery delivery, Consumer<Message> resend) {
        this.delivery = delivery;
        this.resend = resend;
    }

    /** The message, with the dead-letter headers ({@link MessageHeaders#DEAD_LETTER_REASON} and others). */
    public Message message() {
        return delivery.message();
    }

    /** Why the message was dead-lettered. */
    public String reason() {
        return header(MessageHeaders.DEAD_LETTER_REASON);
    }

    /** How many times handling it was attempted. */
    public int attempts() {
        try {
            return Integer.parseInt(header(MessageHeaders.DEAD_LETTER_ATTEMPTS));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The channel it failed on. */
    public String channel() {
        return header(MessageHeaders.DEAD_LETTER_CHANNEL);
    }

    /** The group that failed it. */
    public String group() {
        return header(MessageHeaders.DEAD_LETTER_GROUP);
    }

    /**
     * Sends the message again to {@link #channel()}, for {@link #group()} only (the channel's
     * other groups skip it), with its original id, and removes it from the dead-letter channel.
     */
    public void replay() {
        resend.accept(DeadLetters.replay(delivery.message()));
        delivery.ack();
    }

    /** Removes it from the dead-letter channel for good. */
    public void discard() {
        delivery.ack();
    }

    private String header(String name) {
        return delivery.message().headers().get(name).orElse("");
    }

    @Override
    public String toString() {
        return "DeadLetter[" + delivery.message() + ", " + reason() + "]";
    }
}
