package io.courier.outbox;

import io.courier.Ticker;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.outbox.internal.HeaderText;
import java.time.Clock;
import java.util.Objects;

/**
 * One row of the outbox table, as written in the business transaction and as a relay reads it
 * back: the message's id, channel, key and partition as columns of their own (so the relay can
 * select and order by them), its envelope and user headers as text ({@link MessageHeaders#write}
 * form-encoded), and its payload. A relay that reads rows by other means than
 * {@link OutboxRelay} (a log-tailing one, say) rebuilds the message with {@link #message}.
 * Immutable; the payload array is not copied.
 *
 * @param id           the row's id, increasing in write order
 * @param messageId    {@link Message#id()}
 * @param channel      {@link Message#channel()}
 * @param partitionKey {@link Message#partitionKey()}, or null
 * @param partition    the outbox partition: {@link Outbox#partitionOf} of the key (of the id when no key)
 * @param headers      the headers as text
 * @param payload      the payload bytes
 * @param createdAt    when the row was written, milliseconds since the epoch
 */
public record OutboxRow(long id, String messageId, String channel, String partitionKey, int partition,
                        String headers, byte[] payload, long createdAt) {

    /** Checks that the row names a message id, a channel, headers and a payload. */
    public OutboxRow {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * The row of {@code message} for an outbox of {@code partitions} partitions, written at
     * {@code clock}'s now (its id is 0 until the database gives one).
     */
    public static OutboxRow of(Message message, int partitions, Clock clock) {
        String key = message.partitionKey().orElse(null);
        return new OutboxRow(0, message.id(), message.channel(), key,
                Outbox.partitionOf(key != null ? key : message.id(), partitions),
                HeaderText.encode(MessageHeaders.write(message, clock)), message.payload(), clock.millis());
    }

    /**
     * The message this row holds; its deadline, if any, becomes a deadline on {@code ticker}
     * with what is left of it by {@code clock}.
     *
     * @throws IllegalArgumentException naming the row and what is wrong when its headers cannot be
     *         read (too long, malformed, or without {@code courier-id} or {@code courier-channel})
     */
    public Message message(Clock clock, Ticker ticker) {
        try {
            return MessageHeaders.read(HeaderText.decode(headers), payload, clock, ticker);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("outbox row " + id + " (message " + messageId + "): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "OutboxRow[id=" + id + ", message=" + messageId + ", channel=" + channel
                + (partitionKey == null ? "" : ", key=" + partitionKey) + ", partition=" + partition + ", "
                + payload.length + " bytes]";
    }
}
