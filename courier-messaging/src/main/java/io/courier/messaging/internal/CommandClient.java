package io.courier.messaging.internal;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.Interceptor;
import io.courier.Interceptors;
import io.courier.Metadata;
import io.courier.UnimplementedException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.internal.ClientHandler;
import io.courier.internal.InterceptorChain;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.spi.Codec;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client of a contract whose calls are commands: the same proxy (core's
 * {@link ClientHandler}: the null rule, the call's context, errors marked as downstream ones)
 * and the same {@link InterceptorChain} as a REST or gRPC client, whose last step is the broker:
 * each call becomes a command message on the service's command channel. A {@code @OneWay}
 * method ends once the broker has the command; any other waits for the reply until the
 * client's timeout (or the caller's earlier deadline).
 */
public final class CommandClient {
    /** The scheme of a command client's target: {@code broker:<command channel>}. */
    public static final String SCHEME = "broker";

    private final MessagingRuntime rt;
    private final ReplyRouter replies;
    private final ServiceDescriptor service;

    private CommandClient(MessagingRuntime rt, ReplyRouter replies, ServiceDescriptor service) {
        this.rt = rt;
        this.replies = replies;
        this.service = service;
    }

    /**
     * A proxy of {@code contract} sending its calls as commands through {@code interceptors}
     * (outermost first), waiting up to {@code timeout} for replies, with {@code headers} sent
     * with every command.
     */
    public static <T> T proxy(MessagingRuntime rt, ReplyRouter replies, Class<T> contract, Duration timeout,
                              Metadata headers, List<Interceptor> interceptors) {
        ServiceDescriptor service = ServiceDescriptor.of(contract);
        CommandClient terminal = new CommandClient(rt, replies, service);
        List<Interceptor> all = new ArrayList<>();
        all.add(new ReplyTimeout(timeout, rt));
        all.addAll(interceptors);
        // As next to every transport: the one step that ends a call at its deadline, per attempt.
        all.add(Interceptors.deadline(rt.scheduler));
        InterceptorChain chain = new InterceptorChain(all, terminal::send);
        URI target = URI.create(SCHEME + ":" + CommandServer.channel(service));
        // No client-wide deadline here: a one-way command keeps only the caller's own (a
        // notification outlives the call that sent it); ReplyTimeout adds the timeout to the others.
        return ClientHandler.proxy(contract, new ClientHandler(service, target, null, headers, rt.name, rt.ticker, chain));
    }

    /**
     * The first step of a command client: a command that expects a reply gets the client's
     * timeout as its deadline (or the caller's, if earlier), and the trace context of the
     * calling thread travels with the command.
     */
    private record ReplyTimeout(Duration timeout, MessagingRuntime rt) implements Interceptor {
        @Override
        public CompletableFuture<Object> intercept(Call call, Next next) {
            CallContext ctx = call.context();
            String trace = CallContext.current().metadata().get(MessageHeaders.TRACE_CONTEXT).orElse(null);
            if (trace != null && ctx.metadata().get(MessageHeaders.TRACE_CONTEXT).isEmpty()) {
                ctx = ctx.withMetadata(ctx.metadata().with(MessageHeaders.TRACE_CONTEXT, trace));
            }
            if (!call.method().oneWay()) {
                Deadline own = Deadline.after(timeout, rt.ticker);
                ctx = ctx.withDeadline(own.min(ctx.deadline().orElse(null)));
            }
            return next.proceed(ctx == call.context() ? call : call.withContext(ctx));
        }
    }

    /** The end of the chain: the call as a command on the broker, and its reply. */
    private CompletableFuture<Object> send(Call call) {
        MethodDescriptor method = call.method();
        if (method.streaming() != MethodDescriptor.Streaming.NONE) {
            return CompletableFuture.failedFuture(new UnimplementedException(method.fullName() + " streams (expected:"
                    + " a method without Stream parameters or results; streams are carried by gRPC and server-sent"
                    + " events, not messages)"));
        }
        Message.Builder command = command(call);
        Deadline deadline = call.context().deadline().orElse(null);
        if (method.oneWay()) {
            rt.send(command.deadline(deadline).build());
            return CompletableFuture.completedFuture(null);
        }
        if (deadline == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(method.fullName() + ": an interceptor"
                    + " removed the deadline (expected: a command that waits for a reply has one)"));
        }
        Message message = command.replyTo(replies.channel()).deadline(deadline).build();
        PendingReply pending = new PendingReply(replies, rt, message.id(), method.fullName(), method.resultType());
        replies.await(pending); // ended by its reply, or by the deadline step above cancelling it
        // Cancelled from above (the caller, a policy's deadline, a hedge that lost): stop waiting.
        pending.future.whenComplete((v, f) -> {
            if (pending.future.isCancelled()) {
                replies.finish(pending);
            }
        });
        try {
            rt.send(message);
        } catch (CourierException e) {
            if (replies.finish(pending)) {
                pending.future.completeExceptionally(e);
            }
        }
        return pending.future;
    }

    /** Call metadata as message headers: the trace context in its field, the rest but reserved names as headers. */
    static void copyMetadata(Metadata metadata, Message.Builder b) {
        for (Map.Entry<String, List<String>> h : metadata.asMap().entrySet()) {
            if (h.getKey().equals(MessageHeaders.TRACE_CONTEXT)) {
                b.traceContext(h.getValue().get(0));
            } else if (!h.getKey().startsWith("courier-")) {
                h.getValue().forEach(v -> b.header(h.getKey(), v));
            }
        }
    }

    private Message.Builder command(Call call) {
        MethodDescriptor method = call.method();
        Codec codec = rt.codec();
        Message.Builder b = Message.builder()
                .channel(CommandServer.channel(service))
                .type(CommandServer.type(service, method))
                .source(rt.name)
                .contentType(codec.mediaType());
        copyMetadata(call.context().metadata(), b);
        for (ParameterDescriptor p : method.parameters()) {
            Object value = call.args().get(p.index());
            if (p.kind() == ParameterDescriptor.Kind.BODY) {
                byte[] bytes = codec.encode(value, p.type());
                call.context().sizes().ifPresent(s -> s.request(bytes.length)); // for the client interceptors' metrics
                b.payload(bytes).contentType(codec.contentType(p.type()));
            } else {
                for (String s : p.format(value)) {
                    b.header(MessageHeaders.PARAMETER_PREFIX + p.name(), s);
                }
            }
        }
        return b;
    }
}
