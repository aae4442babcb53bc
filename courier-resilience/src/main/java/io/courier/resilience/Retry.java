package io.courier.resilience;

import io.courier.Call;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.Interceptor;
import io.courier.ResourceExhaustedException;
import io.courier.Scheduler;
import io.courier.Ticker;
import io.courier.resilience.internal.AttemptThreads;
import io.courier.resilience.internal.Listeners;
import io.courier.resilience.internal.MethodOverrides;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Sends a failed call again, after an exponential backoff with full jitter (a random delay
 * between zero and {@code min(maxBackoff, initialBackoff * multiplier^(n-1))} before retry
 * {@code n}), as long as:
 * <ul>
 *   <li>the error says the call certainly did not take effect ({@link CourierException#retrySafe()}),
 *       or the method is idempotent ({@code @Idempotent}, GET, PUT, DELETE) and the
 *       {@linkplain Builder#retryOn failure policy} counts the error as a failure;</li>
 *   <li>attempts are left ({@linkplain Builder#maxAttempts default 3}, the first included);</li>
 *   <li>the call's deadline leaves more time than the backoff: a retry never starts past it;</li>
 *   <li>the client's {@link RetryBudget} has a retry left.</li>
 * </ul>
 * Otherwise the last error is the call's error. A backoff is never shorter than what the error's
 * {@link ResourceExhaustedException#RETRY_AFTER_MILLIS retry-after-ms} detail asks (a server's
 * {@code Retry-After} or gRPC pushback), so a call whose deadline ends sooner is not retried. Cancelling the call cancels the attempt in
 * flight and any pending retry.
 *
 * <p>One method can have a retry of its own ({@link Builder#method}): the most specific setting
 * wins, the method's override, else this client's retry. An override spends from the same
 * budget.
 *
 * <pre>{@code
 * Retry retry = Retry.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(50))
 *     .method(StockService.class, s -> s.reserve(0L, 0), Retry.none())
 *     .build();
 * courier.client(StockService.class).target(uri).interceptor(retry).build();
 * }</pre>
 *
 * <p>Thread-safe; one per client, since it holds the client's budget.
 */
public final class Retry implements Interceptor {
    private final Config config;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final RetryBudget budget;
    private final MethodOverrides<Retry> byMethod;
    private final Listeners listeners = new Listeners();

    private Retry(Config config, RetryBudget budget, MethodOverrides<Retry> byMethod) {
        this.config = config;
        this.initialBackoffNanos = config.initialBackoff.toNanos();
        this.maxBackoffNanos = config.maxBackoff.toNanos();
        this.budget = budget != null ? budget : RetryBudget.builder().ticker(config.ticker).build();
        // An override keeps its own settings but spends from this client's budget.
        this.byMethod = byMethod.map(o -> o.budget == this.budget ? o : o.toBuilder().budget(this.budget).build());
    }

    /**
     * The settings of a {@link Retry}, as its {@link Builder} set them: an immutable value to
     * read, compare, log or copy ({@link #toBuilder()}). The budget and the method overrides
     * are the retry's own ({@link Retry#budget()}).
     *
     * @param maxAttempts attempts in all, the first included; 1 turns retrying off (default 3)
     * @param initialBackoff the longest backoff before the first retry (default 100 ms)
     * @param maxBackoff the longest backoff before any retry, at least {@code initialBackoff} (default 5 s)
     * @param multiplier how much the longest backoff grows per retry, in [1, 100] (default 2)
     * @param random the source of jitter, thread-safe
     * @param retryOn which errors make an idempotent call retryable (retry-safe errors always are)
     * @param idempotency which calls are idempotent (default: the method's own declaration)
     * @param scheduler where backoffs wait
     * @param executor where retries run (default: a virtual thread each)
     * @param ticker the source of time of the budget made when none is given
     */
    public record Config(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
                         RandomGenerator random, FailurePolicy retryOn, Predicate<Call> idempotency,
                         Scheduler scheduler, Executor executor, Ticker ticker) {
        /**
         * Checks every component, with the builder's messages.
         *
         * @throws IllegalArgumentException naming the component when a value is out of range
         * @throws NullPointerException naming the component when it is null
         */
        public Config {
            checkMaxAttempts(maxAttempts);
            CircuitBreakerBuilder.positive("initialBackoff", initialBackoff);
            CircuitBreakerBuilder.positive("maxBackoff", maxBackoff);
            checkMultiplier(multiplier);
            Objects.requireNonNull(random, "random");
            Objects.requireNonNull(retryOn, "retryOn");
            Objects.requireNonNull(idempotency, "idempotency");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(executor, "executor");
            Objects.requireNonNull(ticker, "ticker");
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= initialBackoff "
                        + initialBackoff + ")");
            }
        }

        /** A builder holding these settings, with no budget (a new one) and no method overrides. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.maxAttempts = maxAttempts;
            b.initialBackoff = initialBackoff;
            b.maxBackoff = maxBackoff;
            b.multiplier = multiplier;
            b.random = random;
            b.retryOn = retryOn;
            b.idempotency = idempotency;
            b.scheduler = scheduler;
            b.executor = executor;
            b.ticker = ticker;
            return b;
        }
    }

    /** A builder with the defaults (see {@link Builder}). */
    public static Builder builder() {
        return new Builder();
    }

    /** A retry with the defaults and its own budget. */
    public static Retry ofDefaults() {
        return builder().build();
    }

    /**
     * A retry that never retries (one attempt), mostly as a {@linkplain Builder#method method
     * override}: {@code .method(StockService.class, s -> s.reserve(0L, 0), Retry.none())}.
     */
    public static Retry none() {
        return builder().maxAttempts(1).build();
    }

    /** A builder holding this retry's configuration (and budget, and method overrides), for a variant. */
    public Builder toBuilder() {
        Builder b = config.toBuilder().budget(budget);
        b.byMethod = byMethod;
        return b;
    }

    /** This retry's settings; the budget and the method overrides aside. */
    public Config config() {
        return config;
    }

    /** The budget this retry spends from. */
    public RetryBudget budget() {
        return budget;
    }

    /**
     * The longest backoff before retry {@code retry} (1 for the first retry): the jittered
     * delay is drawn uniformly below it.
     */
    public Duration maxBackoff(int retry) {
        return Duration.ofNanos(capNanos(retry));
    }

    private long capNanos(int retry) {
        double cap = initialBackoffNanos * Math.pow(config.multiplier, Math.max(0, retry - 1));
        return (long) Math.min(maxBackoffNanos, cap);
    }

    /** The retry that applies to {@code call}: its method's override, else this one. */
    private Retry policyFor(Call call) {
        return byMethod.forCall(call, this);
    }

    /**
     * Whether {@code error} may be retried for {@code call}, attempts and budget aside, by the
     * retry of the call's method (its override, else this one).
     */
    public boolean isRetryable(Call call, Throwable error) {
        return policyFor(call).retryable(call, error);
    }

    private boolean retryable(Call call, Throwable error) {
        Throwable t = FailurePolicy.unwrap(error);
        if (!(t instanceof CourierException c) || FailurePolicy.isCancellation(t)) {
            return false;
        }
        return c.retrySafe() || (config.idempotency.test(call) && config.retryOn.isFailure(c));
    }


    /**
     * Tells {@code listener} of the {@link ResilienceListener.Event}s of this step (for every
     * method, overrides included). Fast and non-blocking, see {@link ResilienceListener}.
     *
     * @return this
     */
    public Retry addListener(ResilienceListener listener) {
        listeners.add(listener);
        return this;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        budget.onRequest();
        Attempts run = policyFor(call).new Attempts(call, next, listeners);
        run.attempt(1);
        return run.result;
    }

    /** The attempts of one logical call. */
    private final class Attempts {
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final Call call;
        final Next next;
        volatile CompletableFuture<Object> inFlight;
        volatile Scheduler.Task pending;
        final Listeners events;

        Attempts(Call call, Next next, Listeners events) {
            this.call = call;
            this.next = next;
            this.events = events;
            result.whenComplete((v, f) -> {
                if (result.isCancelled()) {
                    Scheduler.Task p = pending;
                    if (p != null) {
                        p.cancel();
                    }
                    CompletableFuture<Object> a = inFlight;
                    if (a != null) {
                        a.cancel(true);
                    }
                }
            });
        }

        void attempt(int n) {
            if (result.isDone()) {
                return;
            }
            CompletableFuture<Object> a;
            try {
                a = next.proceed(call);
            } catch (RuntimeException | Error e) {
                a = CompletableFuture.failedFuture(e);
            }
            inFlight = a;
            if (result.isCancelled()) {
                a.cancel(true);
                return;
            }
            a.whenComplete((value, failure) -> {
                if (failure == null) {
                    result.complete(value);
                } else {
                    onFailure(n, FailurePolicy.unwrap(failure));
                }
            });
        }

        void onFailure(int n, Throwable error) {
            if (result.isDone() || n >= config.maxAttempts || !retryable(call, error)) {
                result.completeExceptionally(error);
                return;
            }
            long delay = (long) (config.random.nextDouble() * capNanos(n));
            // A server that said when to come back (Retry-After, gRPC pushback) is not asked sooner.
            Duration asked = error instanceof CourierException c ? ResourceExhaustedException.retryAfter(c) : null;
            if (asked != null) {
                delay = Math.max(delay, asked.toNanos());
            }
            Deadline deadline = call.context().deadline().orElse(null);
            if (deadline != null && deadline.remainingNanos() <= delay) {
                result.completeExceptionally(error); // the retry could not finish in time
                return;
            }
            if (!budget.tryAcquireRetry()) {
                events.fire(ResilienceListener.Event.RETRY_BUDGET_EXHAUSTED, call);
                result.completeExceptionally(error);
                return;
            }
            if (delay <= 0) {
                runAttempt(n + 1, error);
            } else {
                pending = config.scheduler.schedule(Duration.ofNanos(delay), () -> runAttempt(n + 1, error));
            }
        }

        /** Starts attempt {@code n} on the executor; if it refuses, the call ends with the last error. */
        void runAttempt(int n, Throwable lastError) {
            try {
                config.executor.execute(() -> attempt(n));
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(lastError);
            }
        }
    }

    @Override
    public String toString() {
        return "Retry[maxAttempts=" + config.maxAttempts + ", backoff=" + config.initialBackoff + ".."
                + config.maxBackoff + " x" + config.multiplier + ", " + budget
                + byMethod + "]";
    }

    /**
     * The configuration of a {@link Retry}. Defaults: 3 attempts, backoff from 100 ms doubling
     * up to 5 s with full jitter, idempotent calls retried on {@link FailurePolicy#byStatus()}
     * failures, the system scheduler and ticker, a budget of its own with
     * {@link RetryBudget}'s defaults, no method overrides. The most specific setting wins: a
     * method's override, else this retry. Not thread-safe.
     */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private double multiplier = 2;
        private RandomGenerator random = ThreadLocalRandom.current();
        private FailurePolicy retryOn = FailurePolicy.byStatus();
        private Predicate<Call> idempotency = call -> call.method().idempotent();
        private Scheduler scheduler = Scheduler.system();
        private Executor executor = AttemptThreads.virtualThreads();
        private Ticker ticker = Ticker.system();
        private RetryBudget budget;
        private MethodOverrides<Retry> byMethod = MethodOverrides.none();

        private Builder() {
        }

        /**
         * A retry of its own for the method that {@code selector} calls on a stand-in of
         * {@code contract} (the arguments do not matter): {@code s -> s.level(0L)}. Calls of that
         * method use all of {@code override}'s settings (attempts, backoff, which errors and
         * calls are retried, scheduler) instead of this retry's, and spend from this retry's
         * budget, whatever budget {@code override} was built with. {@link Retry#none()} turns
         * retrying off for the method. To change one setting and keep the rest, derive the
         * override from the client's retry: {@code retry.toBuilder().maxAttempts(5).build()}.
         *
         * @throws IllegalArgumentException if the selector does not call exactly one remote
         *     method, or if {@code override} has method overrides of its own
         */
        public <T> Builder method(Class<T> contract, Consumer<? super T> selector, Retry override) {
            Objects.requireNonNull(override, "override");
            if (!override.byMethod.isEmpty()) {
                throw new IllegalArgumentException("override: " + override
                        + " (expected: no method overrides of its own)");
            }
            byMethod = byMethod.with(contract, selector, override);
            return this;
        }

        /** Attempts in all, the first included; 1 turns retrying off. */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = checkMaxAttempts(attempts);
            return this;
        }

        /** The longest backoff before the first retry. */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = CircuitBreakerBuilder.positive("initialBackoff", backoff);
            return this;
        }

        /** The longest backoff before any retry. */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = CircuitBreakerBuilder.positive("maxBackoff", backoff);
            return this;
        }

        /** How much the longest backoff grows per retry. */
        public Builder multiplier(double multiplier) {
            this.multiplier = checkMultiplier(multiplier);
            return this;
        }

        /** The source of jitter; must be thread-safe (a fixed one in tests). */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Which errors make an idempotent call retryable (retry-safe errors always are). */
        public Builder retryOn(FailurePolicy policy) {
            this.retryOn = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Which calls are idempotent; by default the method's own declaration. */
        public Builder idempotency(Predicate<Call> idempotent) {
            this.idempotency = Objects.requireNonNull(idempotent, "idempotent");
            return this;
        }

        /** Where backoffs wait (a fake clock, such as courier-test's {@code FakeClock}, in tests). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Where retries run (default: a virtual thread each). The scheduler only says when; the
         * attempt itself, the whole chain below this step, runs here, never on the timer thread,
         * which every deadline and backoff of the JVM shares. Tests on a fake clock may pass
         * {@code Runnable::run} to run it where the clock is advanced.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The source of time of the budget made when none is given. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** The budget to spend retries from, usually shared with the client's {@link Hedge}. */
        public Builder budget(RetryBudget budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /**
         * The retry.
         *
         * @throws IllegalArgumentException when {@code maxBackoff} is shorter than {@code initialBackoff}
         */
        public Retry build() {
            Config config = new Config(maxAttempts, initialBackoff, maxBackoff, multiplier, random, retryOn,
                    idempotency, scheduler, executor, ticker);
            return new Retry(config, budget, byMethod);
        }
    }

    private static int checkMaxAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("maxAttempts: " + attempts + " (expected: >= 1)");
        }
        return attempts;
    }

    private static double checkMultiplier(double multiplier) {
        if (!(multiplier >= 1 && multiplier <= 100)) {
            throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: in [1, 100])");
        }
        return multiplier;
    }
}
