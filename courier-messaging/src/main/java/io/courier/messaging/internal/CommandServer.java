package io.courier.messaging.internal;

import io.courier.Call;
import io.courier.CourierException;
import io.courier.Interceptor;
import io.courier.InvalidArgumentException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ParameterDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.internal.InterceptorChain;
import io.courier.internal.RequiredValues;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Serves a contract from its command channel: reads the method from the message type and the
 * arguments from the payload and parameter headers, runs the implementation with the message's
 * context current, and answers the reply channel with the result or the typed error.
 */
public final class CommandServer implements Processor {
    private final MessagingRuntime rt;
    private final ServiceDescriptor service;
    private final Object impl;
    private final InterceptorChain chain;

    public CommandServer(MessagingRuntime rt, ServiceDescriptor service, Object impl, List<Interceptor> interceptors) {
        this.rt = rt;
        this.service = service;
        this.impl = impl;
        this.chain = new InterceptorChain(interceptors, this::invoke);
    }

    /** The channel a contract's commands are sent to. */
    public static String channel(ServiceDescriptor service) {
        return service.name() + ".commands";
    }

    /** The message type of a command for {@code method}. */
    static String type(ServiceDescriptor service, MethodDescriptor method) {
        return service.name() + "." + method.name();
    }

    @Override
    public void process(Message m) throws Exception {
        MethodDescriptor method = method(m);
        Object[] args = arguments(m, method);
        Object result;
        try {
            // The server interceptors, then the implementation, on this (the consumer's) thread;
            // the consumer interrupts it if the command's deadline passes.
            result = chain.proceed(Call.of(service, method, args, MessagingRuntime.contextOf(m), null)).get();
        } catch (Exception thrown) {
            Exception failure = thrown instanceof ExecutionException e && e.getCause() instanceof Exception cause
                    ? cause : thrown;
            CourierException answer = m.replyTo().isPresent()
                    ? MessagingRuntime.answerFor(failure, method.fullName()) : null;
            if (answer == null) {
                PoisonMessageException refused = MessagingRuntime.refusal(m, failure);
                throw refused != null ? refused : failure; // poison at once, or retried, then dead-lettered
            }
            rt.replyError(m, answer);
            return;
        }
        rt.reply(m, result, method.resultType());
    }

    /** The end of the server chain: the implementation, with the call's context current. */
    private CompletableFuture<Object> invoke(Call call) {
        MethodDescriptor method = call.method();
        try {
            return CompletableFuture.completedFuture(call.context().call(() -> {
                Object r = method.method().invoke(impl, call.args().toArray());
                if (method.shape() == MethodDescriptor.Shape.ASYNC) {
                    if (r == null) {
                        throw new IllegalStateException(method.fullName() + " returned null (expected: a future)");
                    }
                    // Blocking is fine: handlers run on virtual threads.
                    return ((CompletionStage<?>) r).toCompletableFuture().get();
                }
                return r;
            }));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(MessagingRuntime.unwrap(e));
        }
    }

    @Override
    public void gaveUp(Message message, CourierException error) {
        rt.replyError(message, error);
    }

    private MethodDescriptor method(Message m) throws PoisonMessageException {
        String type = MessagingRuntime.typeOf(m);
        String prefix = service.name() + ".";
        MethodDescriptor method = type.startsWith(prefix)
                ? service.method(type.substring(prefix.length())).orElse(null) : null;
        if (method != null && method.streaming() != MethodDescriptor.Streaming.NONE) {
            throw new PoisonMessageException("type " + type + " names a streaming method (expected: a method without"
                    + " Stream parameters or results; streams are not carried by messages)");
        }
        if (method == null) {
            throw new PoisonMessageException("unknown type " + type + " on " + channel(service) + " (expected: one of "
                    + service.methods().stream().map(d -> type(service, d)).toList() + ")");
        }
        return method;
    }

    private Object[] arguments(Message m, MethodDescriptor method) throws PoisonMessageException {
        Object[] args = new Object[method.parameters().size()];
        for (ParameterDescriptor p : method.parameters()) {
            if (p.kind() == ParameterDescriptor.Kind.BODY) {
                args[p.index()] = rt.decode(m, p.type());
                continue;
            }
            try {
                args[p.index()] = p.parse(m.headers().getAll(MessageHeaders.PARAMETER_PREFIX + p.name()));
            } catch (InvalidArgumentException e) {
                throw new PoisonMessageException("header " + MessageHeaders.PARAMETER_PREFIX + p.name() + " of " + m
                        + ": " + e.getMessage());
            }
        }
        try {
            return RequiredValues.check(method, args);
        } catch (InvalidArgumentException e) {
            // Redelivering cannot add what the sender left out: dead-letter it at once.
            throw new PoisonMessageException(e.getMessage() + " in " + m);
        }
    }
}
