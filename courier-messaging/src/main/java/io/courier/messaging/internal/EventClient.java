package io.courier.messaging.internal;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.Interceptor;
import io.courier.Metadata;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.internal.InterceptorChain;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.messaging.Replies;
import io.courier.spi.Codec;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sending side of events and scatter-gather requests, through the same client interceptors
 * as command clients: each publish is a call of {@code publish} and each scatter a call of
 * {@code scatter} on the channel's contract ({@link ServiceDescriptor#ofChannel}), with the
 * target {@code broker:<channel>}, whose last step is the broker. The message id is chosen
 * before the chain, so a retrying interceptor sends the same message again and the idempotent
 * consumer drops the copy.
 */
public final class EventClient {
    private final MessagingRuntime rt;
    private final ReplyRouter replies;
    private final List<Interceptor> interceptors;
    private final Map<String, ServiceDescriptor> contracts = new ConcurrentHashMap<>();

    public EventClient(MessagingRuntime rt, ReplyRouter replies, List<Interceptor> interceptors) {
        this.rt = rt;
        this.replies = replies;
        this.interceptors = List.copyOf(interceptors);
    }

    /** Publishes {@code event} to {@code channel}; returns its id once the broker has it. */
    public String publish(String channel, Object event, String partitionKey) {
        if (interceptors.isEmpty()) {
            // Sent on this thread: a broker's own refusal (an outbox without a transaction) stays as thrown.
            String id = UUID.randomUUID().toString();
            rt.send(event(channel, event, partitionKey, id, context()));
            return id;
        }
        try {
            return publishAsync(channel, event, partitionKey).join();
        } catch (CompletionException e) {
            Throwable cause = MessagingRuntime.unwrap(e);
            throw cause instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Publishes {@code event} to {@code channel}; the future completes with its id once the
     * broker has it, or fails with a {@link CourierException}. A payload that cannot be encoded
     * fails at once, on the calling thread.
     */
    public CompletableFuture<String> publishAsync(String channel, Object event, String partitionKey) {
        String id = UUID.randomUUID().toString();
        // An event outlives the call that publishes it: it carries the trace, not the deadline.
        CallContext context = context();
        if (interceptors.isEmpty()) {
            return rt.sendAsync(event(channel, event, partitionKey, id, context)).thenApply(v -> id);
        }
        // Client interceptors see the id the message will have (a signer binds its signature to it);
        // "courier-" names are the envelope's, so it is not copied into the message's headers.
        Call call = call(channel, event, "publish",
                context.withMetadata(context.metadata().with(MessageHeaders.ID, id)));
        InterceptorChain chain = new InterceptorChain(interceptors,
                c -> rt.sendAsync(event(channel, c.args().get(0), partitionKey, id, c.context())).thenApply(v -> null));
        return chain.proceed(call).thenApply(v -> id);
    }

    /** Publishes {@code request} to {@code channel} and gathers replies until {@code deadline}. */
    @SuppressWarnings("unchecked")
    public <R> CompletableFuture<Replies<R>> scatter(String channel, Object request, Class<R> replyType, int expected,
                                                     Deadline deadline) {
        CallContext context = context().withDeadline(deadline);
        if (interceptors.isEmpty()) {
            return gather(channel, request, replyType, expected, context);
        }
        InterceptorChain chain = new InterceptorChain(interceptors,
                c -> gather(channel, c.args().get(0), replyType, expected, c.context()).thenApply(r -> (Object) r));
        return chain.proceed(call(channel, request, "scatter", context)).thenApply(r -> (Replies<R>) r);
    }

    private <R> CompletableFuture<Replies<R>> gather(String channel, Object request, Class<R> replyType, int expected,
                                                     CallContext context) {
        Deadline deadline = context.deadline().orElseThrow(() -> new IllegalStateException("scatter to " + channel
                + ": an interceptor removed the deadline (expected: a scatter-gather request has one)"));
        Message message = message(channel, request, context).replyTo(replies.channel()).deadline(deadline).build();
        Gathering<R> gathering = new Gathering<>(replies, rt, message.id(), replyType, expected);
        replies.await(gathering, deadline);
        try {
            rt.send(message);
        } catch (CourierException e) {
            if (replies.finish(gathering)) {
                gathering.future.completeExceptionally(e);
            }
        }
        return gathering.future;
    }

    private Call call(String channel, Object payload, String step, CallContext context) {
        // By channel, no key built per message; a channel carrying another type gets its own descriptor.
        ServiceDescriptor contract = contracts.get(channel);
        if (contract == null || contract.method(step).orElseThrow().body().orElseThrow().type() != payload.getClass()) {
            contract = ServiceDescriptor.ofChannel(channel, payload.getClass());
            contracts.put(channel, contract);
        }
        MethodDescriptor method = contract.method(step).orElseThrow();
        return Call.of(contract, method, new Object[] {payload}, context,
                URI.create(CommandClient.SCHEME + ":" + channel));
    }

    /** The context of a message sent from this thread: this instance as caller, the current trace. */
    private CallContext context() {
        CallContext context = CallContext.empty().withCaller(rt.name);
        String trace = CallContext.current().metadata().get(MessageHeaders.TRACE_CONTEXT).orElse(null);
        return trace == null ? context : context.withMetadata(Metadata.empty().with(MessageHeaders.TRACE_CONTEXT, trace));
    }

    private Message event(String channel, Object event, String partitionKey, String id, CallContext context) {
        return message(channel, event, context).id(id).partitionKey(partitionKey).build();
    }

    private Message.Builder message(String channel, Object payload, CallContext context) {
        if (payload == null) {
            throw new NullPointerException("the payload of a message to " + channel + " is null");
        }
        Codec codec = rt.codec();
        byte[] bytes = codec.encode(payload, payload.getClass());
        context.sizes().ifPresent(s -> s.request(bytes.length)); // for the client interceptors' metrics
        Message.Builder b = Message.builder().channel(channel).type(TypedConsumer.typeName(payload.getClass()))
                .source(rt.name).contentType(codec.contentType(payload.getClass()))
                .payload(bytes);
        CommandClient.copyMetadata(context.metadata(), b);
        return b;
    }
}
