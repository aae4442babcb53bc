package io.courier.messaging.internal;

import io.courier.CourierException;
import io.courier.messaging.Message;
import java.util.function.Function;

/**
 * Handles the messages of one payload type on a channel: events for a subscriber, requests for
 * a scatter-gather responder. A function's result is the reply, sent when the message asks for
 * one; a message of another type, or without a type, is poison.
 */
public final class TypedConsumer<T> implements Processor {
    private final MessagingRuntime rt;
    private final Class<T> type;
    private final String typeName;
    private final Function<? super T, ?> handler;
    private final String responder;

    /** A consumer whose replies, if any, name no responder: a subscriber. */
    public TypedConsumer(MessagingRuntime rt, Class<T> type, Function<? super T, ?> handler) {
        this(rt, type, handler, null);
    }

    /** A consumer whose replies name {@code responder}, so a gathering counts each responder once. */
    public TypedConsumer(MessagingRuntime rt, Class<T> type, Function<? super T, ?> handler, String responder) {
        this.rt = rt;
        this.type = type;
        this.typeName = typeName(type);
        this.handler = handler;
        this.responder = responder;
    }

    /** The type name messages of {@code type} carry: its simple name, which is also its default channel. */
    public static String typeName(Class<?> type) {
        return type.getSimpleName();
    }

    @Override
    public void process(Message m) throws Exception {
        String got = MessagingRuntime.typeOf(m);
        if (!got.equals(typeName)) {
            throw new PoisonMessageException("unknown type " + got + " on " + m.channel() + " (expected: " + typeName + ")");
        }
        T value = type.cast(rt.decodeRequired(m, type));
        Object result;
        try {
            result = MessagingRuntime.contextOf(m).call(() -> handler.apply(value));
        } catch (Exception failure) {
            CourierException answer = m.replyTo().isPresent() ? MessagingRuntime.answerFor(failure, typeName) : null;
            if (answer == null) {
                throw failure;
            }
            rt.replyError(m, answer, responder);
            return;
        }
        if (result != null) {
            rt.reply(m, result, result.getClass(), responder);
        }
    }

    @Override
    public void gaveUp(Message message, CourierException error) {
        rt.replyError(message, error, responder);
    }
}
