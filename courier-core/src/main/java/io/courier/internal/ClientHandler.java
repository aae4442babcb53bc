package io.courier.internal;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.Deadline;
import io.courier.InvalidArgumentException;
import io.courier.Metadata;
import io.courier.Ticker;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The {@link InvocationHandler} behind a client proxy: turns each call of a contract method
 * into a {@link Call}, runs the client chain, and returns or waits as the method's shape asks.
 */
public final class ClientHandler implements InvocationHandler {
    private final ServiceDescriptor service;
    private final URI target;
    private final Duration timeout;
    private final Metadata headers;
    private final String caller;
    private final Ticker ticker;
    private final InterceptorChain chain;

    public ClientHandler(ServiceDescriptor service, URI target, Duration timeout, Metadata headers, String caller,
                         Ticker ticker, InterceptorChain chain) {
        this.service = service;
        this.target = target;
        this.timeout = timeout;
        this.headers = headers;
        this.caller = caller;
        this.ticker = ticker;
        this.chain = chain;
    }

    /** A proxy of {@code type} backed by {@code handler}. */
    public static <T> T proxy(Class<T> type, ClientHandler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> service.type().getSimpleName() + " client -> " + target;
                default -> throw new UnsupportedOperationException(method.getName());
            };
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        MethodDescriptor descriptor = service.method(method).orElseThrow(
                () -> new IllegalStateException(method + " is not a remote method of " + service.name()));
        Object[] checked;
        try {
            // The same rule the server applies: a call that would be refused is not sent.
            checked = RequiredValues.check(descriptor, args);
        } catch (InvalidArgumentException e) {
            Errors.downstream(e, descriptor.fullName()); // the calling code's mistake, not its caller's
            if (descriptor.shape() == MethodDescriptor.Shape.ASYNC) {
                return CompletableFuture.failedFuture(e);
            }
            throw e;
        }
        CompletableFuture<Object> result = chain.proceed(Call.of(service, descriptor, checked, context(), target));
        if (descriptor.shape() == MethodDescriptor.Shape.ASYNC) {
            CompletableFuture<Object> out = new CompletableFuture<>();
            result.whenComplete((v, f) -> {
                if (f == null) {
                    out.complete(v);
                } else {
                    out.completeExceptionally(Errors.downstream(Errors.fromClient(f, descriptor), descriptor.fullName()));
                }
            });
            out.whenComplete((v, f) -> {
                if (out.isCancelled()) {
                    result.cancel(true);
                }
            });
            return out;
        }
        try {
            return result.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            // Marked here, on the caller's thread: the mark keeps the caller's frames in the trace
            // (the error was built on another thread), and tells a handler's dispatcher that this
            // failure is a downstream one, not the handler's own answer.
            throw Errors.downstream(Errors.fromClient(e, descriptor), descriptor.fullName());
        }
    }

    /** The context of a new call: what is current on this thread, with this client's settings. */
    private CallContext context() {
        CallContext inherited = CallContext.current();
        CallContext ctx = CallContext.empty().withCaller(caller).withMetadata(headers);
        Deadline own = timeout == null ? null : Deadline.after(timeout, ticker);
        Deadline deadline = inherited.deadline().map(d -> d.min(own)).orElse(own);
        return ctx.withDeadline(deadline);
    }
}
