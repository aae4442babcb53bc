package io.courier.messaging;

import io.courier.messaging.internal.CurrentMessage;
import java.util.Objects;
import java.util.Optional;

/**
 * The message a {@link Messaging} consumer is handling on the current thread, and the group
 * handling it: what a handler needs beyond the decoded payload to record the message as handled
 * in its own transaction (the durable inbox of {@code courier-outbox} does). Available while a
 * handler given to {@link Messaging#subscribe}, {@link Messaging#respond} or
 * {@link Messaging#handle} runs, on its thread.
 *
 * <pre>{@code
 * messaging.subscribe(OrderCreated.class, "billing", event -> {
 *     String id = MessageContext.current().orElseThrow().message().id();
 *     ...
 * });
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class MessageContext {
    private final Message message;
    private final String group;

    private MessageContext(Message message, String group) {
        this.message = message;
        this.group = group;
    }

    /** A context of {@code message} handled by {@code group}. */
    public static MessageContext of(Message message, String group) {
        return new MessageContext(Objects.requireNonNull(message, "message"), Objects.requireNonNull(group, "group"));
    }

    /** The context of the message being handled on this thread; empty outside a handler. */
    public static Optional<MessageContext> current() {
        return Optional.ofNullable(CurrentMessage.get());
    }

    /** The message being handled (its id is what deduplication keys on). */
    public Message message() {
        return message;
    }

    /** The subscriber group handling it. */
    public String group() {
        return group;
    }

    @Override
    public String toString() {
        return "MessageContext[" + message + ", group " + group + "]";
    }
}
