package io.courier.resilience;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.ResourceExhaustedException;
import io.courier.Ticker;
import io.courier.resilience.internal.AimdLimiter;
import io.courier.resilience.internal.FixedLimiter;
import io.courier.resilience.internal.GradientLimiter;
import io.courier.resilience.internal.Limiter;
import io.courier.resilience.internal.Listeners;
import io.courier.resilience.internal.MethodOverrides;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A cap on the calls in flight: past it, a call is refused at once instead of queueing. As a
 * client interceptor it caps the calls to a service: the refusal is a retry-safe
 * {@link BulkheadFullException}, and one slow dependency cannot take every thread and
 * connection of the caller. As a server interceptor ({@link #loadShedder()},
 * {@link Builder#shedLoad}) it sheds load: it refuses the calls the server cannot answer in
 * time, before they run, with a retry-safe {@link ResourceExhaustedException} marked
 * {@link ResourceExhaustedException#SERVER_OVERLOADED} (REST 503 with {@code Retry-After}, gRPC
 * {@code RESOURCE_EXHAUSTED} with {@code grpc-retry-pushback-ms}), which a Courier client retries
 * even for a call that is not idempotent, since it was not run. The cap is
 * {@linkplain Builder#maxConcurrentCalls fixed} or {@linkplain Builder#adaptive adaptive}: an
 * {@link AdaptiveLimit}, {@link AimdLimit} (following overloads and a latency threshold) or
 * {@link GradientLimit} (following the latency's gradient).
 *
 * <p>One method can have a limit of its own ({@link Builder#method}): the most specific setting
 * wins, the method's override, else this client's limit. Its calls count against its own limit
 * only, so a slow method cannot take the other methods' places.
 *
 * <pre>{@code
 * Bulkhead fixed = Bulkhead.builder("stock").maxConcurrentCalls(64).build();
 * Bulkhead adaptive = Bulkhead.builder("stock").adaptive(AimdLimit.builder().build()).build();
 * Courier.builder().serverInterceptor(Bulkhead.loadShedder().build());   // the server sheds load
 * Bulkhead reportApart = Bulkhead.builder("stock").maxConcurrentCalls(64)
 *     .method(StockService.class, s -> s.report(0L), Bulkhead.builder("stock-report").maxConcurrentCalls(4).build())
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe; a call never waits for a lock (the gradient limit closes a window under a
 * lock that a call only tries). A call holds its place until its future completes, whether
 * with a value, an error or a cancellation.
 */
public final class Bulkhead implements Interceptor {
    private final Config config;
    private final Limiter limiter;
    private final MethodOverrides<Bulkhead> byMethod;
    private final Listeners listeners = new Listeners();
    private final LongAdder rejections = new LongAdder();

    private Bulkhead(Config config, MethodOverrides<Bulkhead> byMethod) {
        this.config = config;
        this.limiter = config.adaptive.map(a -> limiter(a, config.ticker))
                .orElseGet(() -> new FixedLimiter(config.maxConcurrentCalls));
        // Built afresh, so that two bulkheads made from one builder never share a method's places.
        this.byMethod = byMethod.map(o -> o.toBuilder().build());
    }

    private static Limiter limiter(AdaptiveLimit adaptive, Ticker ticker) {
        return switch (adaptive) {
            case AimdLimit a -> new AimdLimiter(a.initialLimit(), a.minLimit(), a.maxLimit(), a.backoffRatio(),
                    a.latencyThreshold().toNanos());
            case GradientLimit g -> new GradientLimiter(g.initialLimit(), g.minLimit(), g.maxLimit(), g.tolerance(),
                    g.smoothing(), g.window().toNanos(), g.minWindowCalls(), ticker.nanoTime());
        };
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
     * @param failurePolicy which errors an {@link AimdLimit} counts as overload
     * @param ticker the source of time for latencies
     * @param shedLoad present when the bulkhead guards a server: how long a refused caller is
     *     asked to wait, its refusal marked {@link ResourceExhaustedException#SERVER_OVERLOADED}
     */
    public record Config(String name, int maxConcurrentCalls, Optional<AdaptiveLimit> adaptive,
                         FailurePolicy failurePolicy, Ticker ticker, Optional<Duration> shedLoad) {
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
            Objects.requireNonNull(shedLoad, "shedLoad");
            shedLoad.ifPresent(Bulkhead::checkRetryAfter);
        }

        /** A client's settings: as the canonical constructor, without {@code shedLoad}. */
        public Config(String name, int maxConcurrentCalls, Optional<AdaptiveLimit> adaptive,
                      FailurePolicy failurePolicy, Ticker ticker) {
            this(name, maxConcurrentCalls, adaptive, failurePolicy, ticker, Optional.empty());
        }

        /** A builder holding these settings, with no method overrides. */
        public Builder toBuilder() {
            Builder b = new Builder(name);
            b.maxConcurrentCalls = maxConcurrentCalls;
            b.adaptive = adaptive.orElse(null);
            b.failurePolicy = failurePolicy;
            b.ticker = ticker;
            b.shedLoad = shedLoad.orElse(null);
            return b;
        }
    }

    /** A builder with the defaults, for a bulkhead called {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A builder for a server's load shedder: a bulkhead called {@code server} with the default
     * {@link GradientLimit} (start at 100 calls, between 10 and 5,000) that
     * {@linkplain Builder#shedLoad sheds load}, asking refused callers to wait 1 s. Install it as
     * a server interceptor, after metrics and before authentication (shedding is the cheapest
     * answer and protects the rest of the chain):
     *
     * <pre>{@code
     * Courier.builder()
     *     .serverInterceptor(metrics.serverInterceptor())
     *     .serverInterceptor(Bulkhead.loadShedder().build())
     *     .serverInterceptor(AccessControl.builder()...build())
     * }</pre>
     */
    public static Builder loadShedder() {
        return new Builder("server").adaptive(GradientLimit.builder().build()).shedLoad(Duration.ofSeconds(1));
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

    /** Calls this bulkhead refused since it was built, those of methods with their own limit aside. */
    public long rejections() {
        return rejections.sum();
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
            rejections.increment();
            listeners.fire(ResilienceListener.Event.BULKHEAD_FULL, call);
            return CompletableFuture.failedFuture(refusal(call));
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

    private ResourceExhaustedException refusal(Call call) {
        String name = config.name;
        if (config.shedLoad.isPresent()) {
            return ResourceExhaustedException.overloaded("server overloaded: " + call.method().fullName()
                    + " was not run (" + limiter.inFlight() + " calls in flight, limit " + limiter.limit()
                    + "); retry later or on another instance", config.shedLoad.get());
        }
        return new BulkheadFullException(name, "bulkhead " + name + ": " + limiter.inFlight()
                + " calls in flight (limit " + limiter.limit() + ") calling " + call.method().fullName());
    }

    private void release(long start, Throwable failure) {
        long now = config.ticker.nanoTime();
        long latency = now - start;
        if (failure == null) {
            limiter.release(latency, false, false, now);
        } else if (FailurePolicy.isCancellation(failure)) {
            limiter.release(latency, false, true, now);
        } else {
            limiter.release(latency, config.failurePolicy.isFailure(failure), false, now);
        }
    }

    @Override
    public String toString() {
        return "Bulkhead[" + config.name + ", " + inFlight() + "/" + limit() + "]";
    }

    /**
     * The configuration of a {@link Bulkhead}. Defaults: a fixed limit of 100 calls,
     * {@link FailurePolicy#byStatus()} for what an {@link AimdLimit} counts as overload, the
     * system ticker, no method overrides, refusals of a client ({@link BulkheadFullException})
     * rather than a server's. The most specific setting wins: a method's override,
     * else this bulkhead. Not thread-safe.
     */
    public static final class Builder {
        private MethodOverrides<Bulkhead> byMethod = MethodOverrides.none();
        private String name;
        private int maxConcurrentCalls = 100;
        private AdaptiveLimit adaptive;
        private FailurePolicy failurePolicy = FailurePolicy.byStatus();
        private Ticker ticker = Ticker.system();
        private Duration shedLoad;

        private Builder(String name) {
            this.name = checkName(name);
        }

        /** A fixed limit of calls in flight (replaces an adaptive one). */
        public Builder maxConcurrentCalls(int calls) {
            this.maxConcurrentCalls = checkMaxConcurrentCalls(calls);
            this.adaptive = null;
            return this;
        }

        /** An adaptive limit, {@link AimdLimit} or {@link GradientLimit} (replaces a fixed one). */
        public Builder adaptive(AdaptiveLimit limit) {
            this.adaptive = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /**
         * Makes this bulkhead a server's load shedder, to install as a server interceptor: a
         * refused call fails with a retry-safe {@link ResourceExhaustedException} marked
         * {@link ResourceExhaustedException#SERVER_OVERLOADED}, asking the caller to wait
         * {@code retryAfter} (REST 503 with {@code Retry-After}, gRPC {@code RESOURCE_EXHAUSTED}
         * with {@code grpc-retry-pushback-ms}), instead of a client's {@link BulkheadFullException}.
         *
         * @throws IllegalArgumentException if {@code retryAfter} is negative
         */
        public Builder shedLoad(Duration retryAfter) {
            this.shedLoad = checkRetryAfter(retryAfter);
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
                    ticker, Optional.ofNullable(shedLoad)), byMethod);
        }
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: not blank)");
        }
        return name;
    }

    private static Duration checkRetryAfter(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: >= 0)");
        }
        return retryAfter;
    }

    private static int checkMaxConcurrentCalls(int calls) {
        if (calls < 1) {
            throw new IllegalArgumentException("maxConcurrentCalls: " + calls + " (expected: >= 1)");
        }
        return calls;
    }
}
