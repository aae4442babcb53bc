package io.courier.messaging.internal;

import io.courier.CallContext;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.InvalidArgumentException;
import io.courier.UnimplementedException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.internal.Errors;
import io.courier.internal.RequiredValues;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.spi.Codec;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The proxy behind {@code messaging.commands(Contract.class)}: each call of a contract method
 * becomes a command message on the service's command channel. A {@code @OneWay} method returns
 * once the broker has the command; a method returning a future gets the reply through it; any
 * other method waits for the reply (fine on a virtual thread).
 */
public final class CommandClient implements InvocationHandler {
    private final MessagingRuntime rt;
    private final ReplyRouter replies;
    private final ServiceDescriptor service;
    private final Duration timeout;

    private CommandClient(MessagingRuntime rt, ReplyRouter replies, ServiceDescriptor service, Duration timeout) {
        this.rt = rt;
        this.replies = replies;
        this.service = service;
        this.timeout = timeout;
    }

    /** A proxy of {@code contract} sending its calls as commands. */
    public static <T> T proxy(MessagingRuntime rt, ReplyRouter replies, Class<T> contract, Duration timeout) {
        CommandClient handler = new CommandClient(rt, replies, ServiceDescriptor.of(contract), timeout);
        return contract.cast(Proxy.newProxyInstance(contract.getClassLoader(), new Class<?>[] {contract}, handler));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> service.type().getSimpleName() + " commands -> " + CommandServer.channel(service);
                default -> throw new UnsupportedOperationException(method.getName());
            };
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        MethodDescriptor descriptor = service.method(method).orElseThrow(
                () -> new IllegalStateException(method + " is not a remote method of " + service.name()));
        if (descriptor.streaming() != MethodDescriptor.Streaming.NONE) {
            throw new UnimplementedException(descriptor.fullName() + " streams (expected: a method without Stream"
                    + " parameters or results; streams are carried by gRPC and server-sent events, not messages)");
        }
        Object[] checked;
        try {
            // The rule the server applies: a command it would dead-letter is not sent.
            checked = RequiredValues.check(descriptor, args == null ? new Object[0] : args);
        } catch (InvalidArgumentException e) {
            Errors.downstream(e, descriptor.fullName()); // the calling code's mistake, not its caller's
            if (descriptor.shape() == MethodDescriptor.Shape.ASYNC) {
                return CompletableFuture.failedFuture(e);
            }
            throw e;
        }
        Message.Builder command = command(descriptor, checked);
        CallContext context = CallContext.current();
        if (descriptor.oneWay()) {
            // No one waits for a one-way command, so only a deadline the caller already has applies.
            try {
                rt.send(command.deadline(context.deadline().orElse(null)).build());
            } catch (CourierException e) {
                throw Errors.downstream(e, descriptor.fullName());
            }
            return null;
        }
        Deadline deadline = Deadline.after(timeout, rt.ticker).min(context.deadline().orElse(null));
        CompletableFuture<Object> result = request(command, descriptor, deadline);
        if (descriptor.shape() == MethodDescriptor.Shape.ASYNC) {
            return result.exceptionallyCompose(f -> CompletableFuture.failedFuture(downstream(f, descriptor)));
        }
        try {
            return result.join();
        } catch (CompletionException e) {
            throw downstream(e, descriptor);
        }
    }

    /** The failure of a command as its caller sees it: marked as a downstream one ({@link Errors#downstream}). */
    private static Throwable downstream(Throwable failure, MethodDescriptor descriptor) {
        Throwable t = MessagingRuntime.unwrap(failure);
        return t instanceof CourierException c ? Errors.downstream(c, descriptor.fullName()) : t;
    }

    private CompletableFuture<Object> request(Message.Builder command, MethodDescriptor descriptor, Deadline deadline) {
        if (deadline.expired()) {
            return CompletableFuture.failedFuture(new DeadlineExceededException(descriptor.fullName()
                    + ": deadline exceeded before the command was sent"));
        }
        Message message = command.replyTo(replies.channel()).deadline(deadline).build();
        PendingReply pending = new PendingReply(replies, rt, message.id(), descriptor.fullName(), descriptor.resultType());
        replies.await(pending, deadline);
        try {
            rt.send(message);
        } catch (CourierException e) {
            if (replies.finish(pending)) {
                pending.future.completeExceptionally(e);
            }
        }
        return pending.future;
    }

    private Message.Builder command(MethodDescriptor descriptor, Object[] args) {
        Codec codec = rt.codec();
        Message.Builder b = Message.builder()
                .channel(CommandServer.channel(service))
                .type(CommandServer.type(service, descriptor))
                .source(rt.name)
                .contentType(codec.mediaType());
        CallContext.current().metadata().get(MessageHeaders.TRACE_CONTEXT).ifPresent(b::traceContext);
        for (ParameterDescriptor p : descriptor.parameters()) {
            Object value = args[p.index()];
            if (p.kind() == ParameterDescriptor.Kind.BODY) {
                b.payload(codec.encode(value, p.type()));
            } else {
                for (String s : p.format(value)) {
                    b.header(MessageHeaders.PARAMETER_PREFIX + p.name(), s);
                }
            }
        }
        return b;
    }
}
