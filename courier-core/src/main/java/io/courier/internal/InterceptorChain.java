package io.courier.internal;

import io.courier.Call;
import io.courier.Interceptor;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Function;

/**
 * The one chain runner of Courier: runs interceptors, outermost first, then a terminal step,
 * and holds every interceptor to the contract:
 * <ul>
 *   <li>it returns a future, never null (the error names the interceptor);</li>
 *   <li>what it throws fails the future instead of escaping;</li>
 *   <li>below the endpoint pick (the per-attempt steps, from {@code perAttemptFrom} on), it
 *       calls {@code proceed} at most once for each call it gets, and keeps the call's target:
 *       retries and hedges belong above the pick, where each attempt picks again.</li>
 * </ul>
 * Immutable. Also behind {@code Interceptors.chain}, so policies that compose interceptors
 * (courier-resilience) run them the same way.
 */
public final class InterceptorChain {
    private final Interceptor[] steps;
    private final int perAttemptFrom;
    private final Function<Call, CompletableFuture<Object>> terminal;

    /** A chain with no per-attempt steps. */
    public InterceptorChain(List<Interceptor> interceptors, Function<Call, CompletableFuture<Object>> terminal) {
        this(interceptors, interceptors.size(), terminal);
    }

    /** A chain whose steps from {@code perAttemptFrom} on run below the endpoint pick, once per attempt. */
    public InterceptorChain(List<Interceptor> interceptors, int perAttemptFrom,
                            Function<Call, CompletableFuture<Object>> terminal) {
        this.steps = interceptors.toArray(Interceptor[]::new);
        if (perAttemptFrom < 0 || perAttemptFrom > steps.length) {
            throw new IllegalArgumentException("perAttemptFrom: " + perAttemptFrom + " (expected: 0.." + steps.length + ")");
        }
        this.perAttemptFrom = perAttemptFrom;
        this.terminal = Objects.requireNonNull(terminal, "terminal");
    }

    /** One interceptor running {@code steps} in order, then the {@code next} it is given. */
    public static Interceptor compose(List<? extends Interceptor> steps) {
        List<Interceptor> copy = List.copyOf(steps);
        Interceptor[] array = copy.toArray(Interceptor[]::new);
        return new Interceptor() {
            @Override
            public CompletableFuture<Object> intercept(Call call, Next next) {
                return run(array, array.length, 0, call, next::proceed);
            }

            @Override
            public String toString() {
                return "Interceptors.chain" + copy;
            }
        };
    }

    /** Runs the chain for {@code call}; an interceptor that throws fails the future instead. */
    public CompletableFuture<Object> proceed(Call call) {
        return run(steps, perAttemptFrom, 0, call, terminal);
    }

    /** Runs the chain for {@code call}, ending in {@code last} instead of the chain's own terminal step. */
    public CompletableFuture<Object> proceed(Call call, Function<Call, CompletableFuture<Object>> last) {
        return run(steps, perAttemptFrom, 0, call, Objects.requireNonNull(last, "last"));
    }

    private static CompletableFuture<Object> run(Interceptor[] steps, int perAttemptFrom, int index, Call call,
                                                 Function<Call, CompletableFuture<Object>> last) {
        try {
            if (index == steps.length) {
                return Objects.requireNonNull(last.apply(call), "the end of the chain returned null");
            }
            Interceptor step = steps[index];
            Interceptor.Next next = index < perAttemptFrom
                    ? c -> run(steps, perAttemptFrom, index + 1, Objects.requireNonNull(c, "call"), last)
                    : new OncePerAttempt(step, call, c -> run(steps, perAttemptFrom, index + 1, c, last));
            CompletableFuture<Object> f = step.intercept(call, next);
            if (f == null) {
                throw new IllegalStateException("interceptor " + name(step) + " returned null (expected: a future)");
            }
            return f;
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String name(Interceptor step) {
        String text = step.toString();
        String className = step.getClass().getName();
        return text.startsWith(className + "@") || text.startsWith(className + "$$") ? className : className + " (" + text + ")";
    }

    /** The {@code next} of a step below the endpoint pick: one proceed, to the same target. */
    private static final class OncePerAttempt implements Interceptor.Next {
        private final Interceptor step;
        private final Call received;
        private final Function<Call, CompletableFuture<Object>> rest;
        /** Whether proceed was called: a field, not an AtomicBoolean, one object less per step and call. */
        private static final AtomicIntegerFieldUpdater<OncePerAttempt> USED =
                AtomicIntegerFieldUpdater.newUpdater(OncePerAttempt.class, "used");
        private volatile int used;

        OncePerAttempt(Interceptor step, Call received, Function<Call, CompletableFuture<Object>> rest) {
            this.step = step;
            this.received = received;
            this.rest = rest;
        }

        @Override
        public CompletableFuture<Object> proceed(Call call) {
            Objects.requireNonNull(call, "call");
            if (!USED.compareAndSet(this, 0, 1)) {
                throw new IllegalStateException("interceptor " + name(step) + " called proceed twice for one attempt"
                        + " (expected: at most once below the endpoint pick; retries and hedges go above it,"
                        + " as client interceptors)");
            }
            if (!Objects.equals(call.target(), received.target())) {
                throw new IllegalStateException("interceptor " + name(step) + " changed the target from "
                        + received.target() + " to " + call.target() + " (expected: the endpoint picked for the"
                        + " attempt; choose endpoints with a LoadBalancer)");
            }
            return rest.apply(call);
        }
    }
}
