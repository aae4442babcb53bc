package io.courier.messaging.internal;

import io.courier.messaging.MessageContext;

/** Holds the {@link MessageContext} of the handler running on each thread. */
public final class CurrentMessage {
    private static final ThreadLocal<MessageContext> CURRENT = new ThreadLocal<>();

    private CurrentMessage() {
    }

    /** The context on this thread, or null. */
    public static MessageContext get() {
        return CURRENT.get();
    }

    static MessageContext set(MessageContext context) {
        MessageContext before = CURRENT.get();
        CURRENT.set(context);
        return before;
    }

    static void restore(MessageContext before) {
        // Set, not removed when null: a handler thread handles message after message, and a
        // removed entry is made again for the next one.
        CURRENT.set(before);
    }
}
