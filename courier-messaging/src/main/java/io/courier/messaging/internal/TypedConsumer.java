package io.courier.messaging.internal;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.CourierException;
import io.courier.Interceptor;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.internal.InterceptorChain;
import io.courier.messaging.Message;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Handles the messages of one payload type on a channel: events for a subscriber, requests for
 * a scatter-gather responder, behind the server interceptors, as a call of {@code handle} or
 * {@code respond} on the channel's contract ({@link ServiceDescriptor#ofChannel}). A function's
 * result is the reply, sent when the message asks for one; a message of another type, or
 * without a type, is poison.
 */
public final class TypedConsumer<T> implements Processor {
    private final MessagingRuntime rt;
    private final Class<T> type;
    private final String typeName;
    private final Function<? super T, ?> handler;
    private final String responder;
    private final ServiceDescriptor contract;
    private final MethodDescriptor method;
    private final InterceptorChain chain;

    /**
     * A consumer of {@code channel} whose replies, if any, name {@code responder} (null for a
     * subscriber), so a gathering counts each responder once.
     */
    public TypedConsumer(MessagingRuntime rt, String channel, Class<T> type, Function<? super T, ?> handler,
                         String responder, List<Interceptor> interceptors) {
        this.rt = rt;
        this.type = type;
        this.typeName = typeName(type);
        this.handler = handler;
        this.responder = responder;
        this.contract = ServiceDescriptor.ofChannel(channel, type);
        this.method = contract.method(responder == null ? "handle" : "respond").orElseThrow();
        this.chain = interceptors.isEmpty() ? null : new InterceptorChain(interceptors, this::invoke);
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
        CallContext context = MessagingRuntime.contextOf(m);
        Object result;
        try {
            result = chain == null ? context.call(() -> handler.apply(value))
                    : chain.proceed(Call.of(contract, method, new Object[] {value}, context, null)).get();
        } catch (Exception thrown) {
            Exception failure = thrown instanceof ExecutionException e && e.getCause() instanceof Exception cause
                    ? cause : thrown;
            CourierException answer = m.replyTo().isPresent() ? MessagingRuntime.answerFor(failure, typeName) : null;
            if (answer == null) {
                PoisonMessageException refused = MessagingRuntime.refusal(m, failure);
                throw refused != null ? refused : failure; // poison at once, or retried
            }
            rt.replyError(m, answer, responder);
            return;
        }
        if (result != null) {
            rt.reply(m, result, result.getClass(), responder);
        }
    }

    /** The end of the server chain: the handler, with the call's context current. */
    private CompletableFuture<Object> invoke(Call call) {
        try {
            return CompletableFuture.completedFuture(call.context().call(() -> handler.apply(type.cast(call.args().get(0)))));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(MessagingRuntime.unwrap(e));
        }
    }

    @Override
    public void gaveUp(Message message, CourierException error) {
        rt.replyError(message, error, responder);
    }
}
