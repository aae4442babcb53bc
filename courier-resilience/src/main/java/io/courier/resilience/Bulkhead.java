package io.courier.resilience;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.Ticker;
import io.courier.resilience.internal.AimdLimiter;
import io.courier.resilience.internal.FixedLimiter;
import io.courier.resilience.internal.Limiter;
import io.courier.resilience.internal.Listeners;
import io.courier.resilience.internal.MethodOverrides;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A cap on the calls a client has in flight to a service: past it, a call is refused at once
 * with a retry-safe {@link BulkheadFullException} instead of queueing behind a service that
 * cannot keep up, so one slow dependency cannot take every thread and connection of the
 * caller. The cap is {@linkplain Builder#maxConcurrentCalls fixed} or
 * {@linkplain Builder#adaptive adaptive} ({@link AimdLimit}, following latency and overloads).
 *
 * <p>One method can have a limit of its own ({@link Builder#method}): the most specific setting
 * wins, the method's override, else this client's limit. Its calls count against its own limit
 * only, so a slow method cannot take the other methods' places.
 *
 * <pre>{@code
 * Bulkhead fixed = Bulkhead.builder("stock").maxConcurrentCalls(64).build();
 * Bulkhead adaptive = Bulkhead.builder("stock").adaptive(AimdLimit.builder().build()).build();
 * Bulkhead reportApart = Bulkhead.builder("stock").maxConcurrentCalls(64)
 *     .method(StockService.class, s -> s.report(0L), Bulkhead.builder("stock-report").maxConcurrentCalls(4).build())
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe and lock-free; a call holds its place until its future completes, whether
 * with a value, an error or a cancellation.
 */
public final class Bulkhead implements Interceptor {
    private final Config config;
    private final Limiter limiter;
    private final MethodOverrides<Bulkhead> byMethod;
    private final Listeners listeners = new Listeners();

    private Bulkhead(Config config, MethodOverrides<Bulkhead> byMethod) {
        this.config = config;
        this.limiter = config.adaptive
                .<Limiter>map(a -> new AimdLimiter(a.initialLimit(), a.minLimit(), a.maxLimit(), a.backoffRatio(),
                        a.latencyThreshold().toNanos()))
                .orElseGet(() -> new FixedLimiter(config.maxConcurrentCalls));
        // Built afresh, so that two bulkheads made from one builder never share a method's places.
        this.byMethod = byMethod.map(o -> o.toBuilder().build());
    }

    /**
     * The settings of a {@link Bulkhead}, as its {@link Builder} set them: an immutable value to
     * read, compare, log or copy ({@link #toBuilder()}). The method overrides and the counts are
     * the bulkhead's own.
     *
     * @param name the bulkhead's name, not blank
     * @param maxConcurrentCalls the fixed limit of calls in flight, at least 1 (default 100); unused
     *     when {@code adaptive} is present
     * @param adaptive the adaptive limit, replacing the fixed one when present
     * @param failurePolicy which errors an adaptive limit counts as overload
     * @param ticker the source of time for latencies
     */
    public record Config(String name, int maxConcurrentCalls, Optional<AimdLimit> adaptive,
                         FailurePolicy failurePolicy, Ticker ticker) {
        /**
         * Checks every component, with the builder's messages.
         *
         * @throws IllegalArgumentException naming the component when a value is out of range
         * @throws NullPointerException naming the component when it is null
         */
        public Config {
            checkName(name);
            checkMaxConcurrentCalls(maxConcurrentCalls);
            Objects.requireNonNull(adaptive, "adaptive");
            Objects.requireNonNull(failurePolicy, "failurePolicy");
            Objects.requireNonNull(ticker, "ticker");
        }

        /** A builder holding these settings, with no method overrides. */
        public Builder toBuilder() {
            Builder b = new Builder(name);
            b.maxConcurrentCalls = maxConcurrentCalls;
            b.adaptive = adaptive.orElse(null);
            b.failurePolicy = failurePolicy;
            b.ticker = ticker;
            return b;
        }
    }

    /** A builder with the defaults, for a bulkhead called {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder holding this bulkhead's configuration (and method overrides); the new bulkhead starts empty. */
    public Builder toBuilder() {
        Builder b = config.toBuilder();
        b.byMethod = byMethod;
        return b;
    }

    /** This bulkhead's settings; the method overrides aside. */
    public Config config() {
        return config;
    }

    /** The bulkhead's name. */
    public String name() {
        return config.name;
    }

    /** Calls in flight now, those of methods with their own limit aside. */
    public int inFlight() {
        return limiter.inFlight();
    }

    /** The limit now: fixed, or where the adaptive limit stands. */
    public int limit() {
        return limiter.limit();
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        Bulkhead own = byMethod.forCall(call, this);
        return own.limit(call, next, listeners);
    }

    /**
     * Tells {@code listener} of the {@link ResilienceListener.Event}s of this step (for every
     * method, overrides included). Fast and non-blocking, see {@link ResilienceListener}.
     *
     * @return this
     */
    public Bulkhead addListener(ResilienceListener listener) {
        listeners.add(listener);
        return this;
    }

    private CompletableFuture<Object> limit(Call call, Next next, Listeners listeners) {
        if (!limiter.tryAcquire()) {
            listeners.fire(ResilienceListener.Event.BULKHEAD_FULL, call);
            String name = config.name;
            return CompletableFuture.failedFuture(new BulkheadFullException(name, "bulkhead " + name + ": "
                    + limiter.inFlight() + " calls in flight (limit " + limiter.limit() + ") calling "
                    + call.method().fullName()));
        }
        long start = config.ticker.nanoTime();
        CompletableFuture<Object> result;
        try {
            result = next.proceed(call);
        } catch (RuntimeException | Error e) {
            release(start, e);
            return CompletableFuture.failedFuture(e);
        }
        if (result.isDone()) {
            release(start, result.state() == Future.State.SUCCESS ? null
                    : result.state() == Future.State.CANCELLED ? new java.util.concurrent.CancellationException()
                    : result.exceptionNow());
            return result;
        }
        // Release before the caller sees the outcome, so a call it makes next finds the permit free.
        CompletableFuture<Object> released = new CompletableFuture<>();
        result.whenComplete((v, f) -> {
            release(start, f);
            if (f == null) {
                released.complete(v);
            } else {
                released.completeExceptionally(f);
            }
        });
        released.whenComplete((v, f) -> {
            if (released.isCancelled()) {
                result.cancel(true);
            }
        });
        return released;
    }

    private void release(long start, Throwable failure) {
        long latency = config.ticker.nanoTime() - start;
        if (failure == null) {
            limiter.release(latency, false, false);
        } else if (FailurePolicy.isCancellation(failure)) {
            limiter.release(latency, false, true);
        } else {
            limiter.release(latency, config.failurePolicy.isFailure(failure), false);
        }
    }

    @Override
    public String toString() {
        return "Bulkhead[" + config.name + ", " + inFlight() + "/" + limit() + "]";
    }

    /**
     * The configuration of a {@link Bulkhead}. Defaults: a fixed limit of 100 calls,
     * {@link FailurePolicy#byStatus()} for what an adaptive limit counts as overload, the
     * system ticker, no method overrides. The most specific setting wins: a method's override,
     * else this bulkhead. Not thread-safe.
     */
    public static final class Builder {
        private MethodOverrides<Bulkhead> byMethod = MethodOverrides.none();
        private String name;
        private int maxConcurrentCalls = 100;
        private AimdLimit adaptive;
        private FailurePolicy failurePolicy = FailurePolicy.byStatus();
        private Ticker ticker = Ticker.system();

        private Builder(String name) {
            this.name = checkName(name);
        }

        /** A fixed limit of calls in flight (replaces an adaptive one). */
        public Builder maxConcurrentCalls(int calls) {
            this.maxConcurrentCalls = checkMaxConcurrentCalls(calls);
            this.adaptive = null;
            return this;
        }

        /** An adaptive limit (replaces a fixed one). */
        public Builder adaptive(AimdLimit limit) {
            this.adaptive = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /** Which errors an adaptive limit counts as overload. */
        public Builder failurePolicy(FailurePolicy policy) {
            this.failurePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The source of time for latencies (a fake clock, such as courier-test's {@code FakeClock}, in tests). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * A limit of its own for the method that {@code selector} calls on a stand-in of
         * {@code contract} (the arguments do not matter): {@code s -> s.report(0L)}. Calls of
         * that method are limited by {@code override}'s settings and count against its limit
         * only, not this one's. The bulkhead built holds a fresh copy of {@code override}, whose
         * own counts stay at zero.
         *
         * @throws IllegalArgumentException if the selector does not call exactly one remote
         *     method, or if {@code override} has method overrides of its own
         */
        public <T> Builder method(Class<T> contract, Consumer<? super T> selector, Bulkhead override) {
            Objects.requireNonNull(override, "override");
            if (!override.byMethod.isEmpty()) {
                throw new IllegalArgumentException("override: " + override
                        + " (expected: no method overrides of its own)");
            }
            byMethod = byMethod.with(contract, selector, override);
            return this;
        }

        /** The bulkhead. */
        public Bulkhead build() {
            return new Bulkhead(new Config(name, maxConcurrentCalls, Optional.ofNullable(adaptive), failurePolicy,
                    ticker), byMethod);
        }
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: not blank)");
        }
        return name;
    }

    private static int checkMaxConcurrentCalls(int calls) {
        if (calls < 1) {
            throw new IllegalArgumentException("maxConcurrentCalls: " + calls + " (expected: >= 1)");
        }
        return calls;
    }
}
