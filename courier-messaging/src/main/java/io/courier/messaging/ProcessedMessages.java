package io.courier.messaging;

import io.courier.messaging.internal.InMemoryProcessedMessages;

/**
 * The ids of the messages a subscriber group has handled: the store behind the idempotent
 * consumer, which skips a message whose id is already here. Delivery is at least once, so
 * duplicates do arrive (after a redelivery, a replay, or a sender's retry); this makes
 * handling them harmless. An id is added only after its handler succeeded, so a failed
 * attempt is never mistaken for a handled one.
 *
 * <pre>{@code
 * Messaging messaging = Messaging.builder().broker(broker).codec(codec)
 *     .processedMessages(ProcessedMessages.inMemory(100_000))
 *     .build();
 * }</pre>
 *
 * <p>{@link #inMemory(int)} forgets the oldest ids past its capacity and everything on restart;
 * the durable store, a database table written in the handler's own transaction, is
 * {@code courier-outbox}'s {@code Inbox}. Implementations must be thread-safe.
 */
public interface ProcessedMessages {
    /** Whether {@code group} has handled the message {@code messageId}. */
    boolean contains(String group, String messageId);

    /** Records that {@code group} has handled the message {@code messageId}. */
    void add(String group, String messageId);

    /** A store in memory that remembers the last {@code capacity} ids of each group. */
    static ProcessedMessages inMemory(int capacity) {
        return new InMemoryProcessedMessages(capacity);
    }
}
