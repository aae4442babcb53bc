package io.courier.internal;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.Interceptor;
import io.courier.Scheduler;
import io.courier.UnavailableException;
import io.courier.UnimplementedException;
import io.courier.annotation.NonBlocking;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.spi.ServerDispatcher;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs served implementations: the null rule ({@link RequiredValues}), server interceptors, then the method on a virtual thread (or in
 * place when it returns a future), with the call's deadline enforced and the work interrupted
 * when it passes. Counts calls in flight so a closing server can drain them.
 */
public final class Dispatcher implements ServerDispatcher {
    private final Map<String, Object> implementations = new ConcurrentHashMap<>();
    /** Contract methods whose implementation is declared {@code @NonBlocking}: run in place. */
    private final Set<Method> inline = ConcurrentHashMap.newKeySet();
    private final InterceptorChain chain;
    private final ExecutorService handlers;
    private final Scheduler scheduler;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** {@code @OneWay} handlers started and not yet ended. */
    private final AtomicInteger oneWayRunning = new AtomicInteger();
    private final int maxOneWayRunning;
    private volatile boolean closing;

    /** A dispatcher that answers a one-way call as soon as its handler starts, however many run. */
    public Dispatcher(List<Interceptor> interceptors, ExecutorService handlers, Scheduler scheduler) {
        this(interceptors, handlers, scheduler, Integer.MAX_VALUE);
    }

    /**
     * A dispatcher that answers a one-way call as soon as its handler starts while fewer than
     * {@code maxOneWayRunning} one-way handlers run, and otherwise once its handler has run.
     */
    public Dispatcher(List<Interceptor> interceptors, ExecutorService handlers, Scheduler scheduler,
                      int maxOneWayRunning) {
        this.chain = new InterceptorChain(interceptors, this::invoke);
        this.handlers = handlers;
        this.scheduler = scheduler;
        this.maxOneWayRunning = maxOneWayRunning;
    }

    /** Serves {@code impl} for {@code service}; a second implementation of one service is refused. */
    public void add(ServiceDescriptor service, Object impl) {
        if (!service.type().isInstance(impl)) {
            throw new IllegalArgumentException("impl: " + impl.getClass().getName() + " (expected: an implementation of "
                    + service.type().getName() + ")");
        }
        if (implementations.putIfAbsent(service.name(), impl) != null) {
            throw new IllegalStateException("service " + service.name() + " is already served by this Courier");
        }
        boolean wholeClass = impl.getClass().isAnnotationPresent(NonBlocking.class);
        for (MethodDescriptor m : service.methods()) {
            if (wholeClass || implementationOf(impl, m.method()).isAnnotationPresent(NonBlocking.class)) {
                inline.add(m.method());
            }
        }
    }

    /** The implementation's own declaration of a contract method, where its annotations are. */
    private static java.lang.reflect.AnnotatedElement implementationOf(Object impl, Method contractMethod) {
        try {
            return impl.getClass().getMethod(contractMethod.getName(), contractMethod.getParameterTypes());
        } catch (NoSuchMethodException e) {
            return contractMethod; // a default method, or a proxy: nothing declared there
        }
    }

    @Override
    public CompletableFuture<Object> dispatch(ServiceDescriptor service, MethodDescriptor method, Object[] args,
                                              CallContext context) {
        if (closing) {
            return CompletableFuture.failedFuture(new UnavailableException("server is shutting down; "
                    + method.fullName() + " was not run (retry on another instance)"));
        }
        if (!implementations.containsKey(service.name())) {
            return CompletableFuture.failedFuture(new UnimplementedException("service " + service.name()
                    + " is not served here"));
        }
        Object[] checked;
        try {
            // The null rule, before any interceptor: what reaches them and the handler is complete.
            checked = RequiredValues.check(method, args);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(Errors.fromServer(e, method));
        }
        inFlight.incrementAndGet();
        Call call = Call.of(service, method, checked, context, null);
        if (method.oneWay()) {
            return oneWay(call);
        }
        CompletableFuture<Object> result;
        try {
            result = chain.proceed(call);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Object> started = result;
        CompletableFuture<Object> out = new CompletableFuture<>();
        result.whenComplete((value, failure) -> {
            inFlight.decrementAndGet();
            if (failure == null) {
                out.complete(value);
            } else {
                out.completeExceptionally(Errors.fromServer(failure, method));
            }
        });
        // A transport cancels the future when its caller went away (a reset stream, a closed
        // connection): the cancellation travels down to the handler, which is interrupted.
        out.whenComplete((value, failure) -> {
            if (out.isCancelled()) {
                started.cancel(true);
            }
        });
        return out;
    }

    /**
     * A {@code @OneWay} call: the future says only whether the call was taken. It completes with
     * null once the handler has started (its end is then not the caller's business), or once it
     * has run when {@code maxOneWayRunning} one-way handlers were already running, so a caller
     * sending faster than the handlers run waits as for any call instead of piling up work. It
     * fails with what refused the call before the handler (an interceptor: authentication, load
     * shedding).
     * Cancelling it (the caller went away) cancels the call only if the handler has not started.
     */
    private CompletableFuture<Object> oneWay(Call call) {
        CompletableFuture<Object> taken = new CompletableFuture<>();
        AtomicBoolean handlerStarted = new AtomicBoolean();
        CompletableFuture<Object> result;
        try {
            result = chain.proceed(call, c -> {
                handlerStarted.set(true);
                CompletableFuture<Object> handled = invoke(c);
                if (oneWayRunning.incrementAndGet() <= maxOneWayRunning) {
                    taken.complete(null);
                }
                handled.whenComplete((value, failure) -> oneWayRunning.decrementAndGet());
                return handled;
            });
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Object> started = result;
        result.whenComplete((value, failure) -> {
            inFlight.decrementAndGet();
            // A failure is logged as any call's (an unexpected one with an error id); the caller of
            // a call its handler took hears of it no more than of a success.
            CourierException refused = failure == null ? null : Errors.fromServer(failure, call.method());
            if (refused != null && !handlerStarted.get()) {
                taken.completeExceptionally(refused);
            } else {
                taken.complete(null);
            }
        });
        taken.whenComplete((value, failure) -> {
            if (taken.isCancelled() && !handlerStarted.get()) {
                started.cancel(true);
            }
        });
        return taken;
    }

    /** The end of the server chain: the implementation itself. */
    private CompletableFuture<Object> invoke(Call call) {
        Object impl = implementations.get(call.service().name());
        MethodDescriptor method = call.method();
        Deadline deadline = call.context().deadline().orElse(null);
        if (deadline != null && deadline.expired()) {
            return CompletableFuture.failedFuture(new DeadlineExceededException(method.fullName()
                    + ": deadline exceeded before the call started"));
        }
        Object[] args = call.args().toArray();
        CompletableFuture<Object> result = new CompletableFuture<>();
        Future<?> task;
        if (method.shape() == MethodDescriptor.Shape.SYNC && inline.contains(method.method())) {
            task = null; // @NonBlocking: on the caller's (the transport's) thread, no hop
            call.context().run(() -> {
                try {
                    result.complete(method.method().invoke(impl, args));
                } catch (Throwable t) {
                    result.completeExceptionally(cause(t));
                }
            });
        } else if (method.shape() == MethodDescriptor.Shape.ASYNC) {
            task = null;
            call.context().run(() -> {
                try {
                    Object stage = method.method().invoke(impl, args);
                    if (stage == null) {
                        throw new IllegalStateException(method.fullName() + " returned null (expected: a future)");
                    }
                    ((CompletionStage<?>) stage).whenComplete((v, f) -> complete(result, v, f));
                } catch (Throwable t) {
                    result.completeExceptionally(cause(t));
                }
            });
        } else {
            task = handlers.submit(() -> call.context().run(() -> {
                try {
                    result.complete(method.method().invoke(impl, args));
                } catch (Throwable t) {
                    result.completeExceptionally(cause(t));
                }
            }));
        }
        if (task != null) {
            result.whenComplete((v, f) -> {
                if (result.isCancelled()) {
                    task.cancel(true);
                }
            });
        }
        if (deadline != null && !result.isDone()) {
            Scheduler.Task timer = deadline.runOnExpiration(() -> {
                if (result.completeExceptionally(new DeadlineExceededException(method.fullName()
                        + ": deadline exceeded while the server was handling it"))) {
                    if (task != null) {
                        task.cancel(true); // interrupts the handler: expired work is stopped, not finished
                    }
                }
            }, scheduler);
            result.whenComplete((v, f) -> timer.cancel());
        }
        return result;
    }

    private static void complete(CompletableFuture<Object> result, Object value, Throwable failure) {
        if (failure == null) {
            result.complete(value);
        } else {
            result.completeExceptionally(Errors.unwrap(failure));
        }
    }

    private static Throwable cause(Throwable t) {
        return t instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : t;
    }

    /** Refuses new calls from now on. */
    public void beginClosing() {
        closing = true;
    }

    /** Waits up to {@code grace} for calls in flight to finish; true if none is left. */
    public boolean awaitDrained(Duration grace) {
        long end = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return inFlight.get() == 0;
    }

    /** Calls in flight now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Whether new calls are refused. */
    public boolean closing() {
        return closing;
    }
}
