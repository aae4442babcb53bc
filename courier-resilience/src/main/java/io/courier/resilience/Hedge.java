package io.courier.resilience;

import io.courier.Call;
import io.courier.Deadline;
import io.courier.Interceptor;
import io.courier.Scheduler;
import io.courier.resilience.internal.AttemptThreads;
import io.courier.resilience.internal.Listeners;
import io.courier.resilience.internal.MethodOverrides;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * For idempotent calls, sends a second attempt when the first has not answered after a
 * {@linkplain Builder#delay delay} (a high percentile of the method's latency, say its p95):
 * whichever answers first wins and the other is cancelled, which cuts the tail latency that one
 * slow instance causes. An answer is a value or an error the {@link FailurePolicy} does not
 * count as a failure; a failed attempt waits for the other one. If the first attempt fails
 * before the delay, no hedge is sent and the error goes up to {@link Retry}.
 *
 * <p>A hedge spends from the client's {@link RetryBudget} (no hedge when it is spent), is not
 * sent once the deadline has passed, and is never sent for a non-idempotent call. Below the
 * hedge, a load balancer sends it to another endpoint than the first attempt.
 *
 * <p>One method can hedge differently ({@link Builder#method}): the most specific setting wins,
 * the method's override, else this client's hedge. An override spends from the same budget. To
 * hedge one method only, turn the client's hedge {@linkplain Builder#off() off} and give that
 * method an override.
 *
 * <pre>{@code
 * Hedge hedge = Hedge.builder().delay(Duration.ofMillis(80)).budget(retry.budget()).build();
 * Hedge levelOnly = Hedge.builder().off()
 *     .method(StockService.class, s -> s.level(0L), Hedge.builder().delay(Duration.ofMillis(30)).build())
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. The budget's requests must be counted elsewhere, usually by a {@link Retry}
 * sharing it ({@link Resilience} arranges this).
 */
public final class Hedge implements Interceptor {
    private final Config config;
    private final RetryBudget budget;
    private final MethodOverrides<Hedge> byMethod;
    private final Listeners listeners = new Listeners();

    private Hedge(Config config, RetryBudget budget, MethodOverrides<Hedge> byMethod) {
        this.config = config;
        this.budget = budget;
        // An override keeps its own settings but spends from this client's budget.
        this.byMethod = byMethod.map(o -> o.budget == budget ? o : o.toBuilder().budget(budget).build());
    }

    /**
     * The settings of a {@link Hedge}, as its {@link Builder} set them: an immutable value to
     * read, compare, log or copy ({@link #toBuilder()}). The budget and the method overrides
     * are the hedge's own ({@link Hedge#budget()}).
     *
     * @param enabled whether hedges are sent (false after {@link Builder#off()}; method overrides aside)
     * @param delay how long the first attempt runs alone before the hedge is sent (default 100 ms)
     * @param failurePolicy which errors are failures rather than answers
     * @param idempotency which calls may be hedged (default: the method's own declaration)
     * @param scheduler where the delay waits
     * @param executor where hedges run (default: a virtual thread each)
     */
    public record Config(boolean enabled, Duration delay, FailurePolicy failurePolicy, Predicate<Call> idempotency,
                         Scheduler scheduler, Executor executor) {
        /**
         * Checks every component, with the builder's messages.
         *
         * @throws IllegalArgumentException when the delay is not positive
         * @throws NullPointerException naming the component when it is null
         */
        public Config {
            CircuitBreakerBuilder.positive("delay", delay);
            Objects.requireNonNull(failurePolicy, "failurePolicy");
            Objects.requireNonNull(idempotency, "idempotency");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(executor, "executor");
        }

        /** A builder holding these settings, with no budget (a new one) and no method overrides. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.off = !enabled;
            b.delay = delay;
            b.failurePolicy = failurePolicy;
            b.idempotency = idempotency;
            b.scheduler = scheduler;
            b.executor = executor;
            return b;
        }
    }

    /** A builder with the defaults (see {@link Builder}). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A hedge that never sends a second attempt, mostly as a {@linkplain Builder#method method
     * override}: {@code .method(StockService.class, s -> s.report(0L), Hedge.none())}.
     */
    public static Hedge none() {
        return builder().off().build();
    }

    /** A builder holding this hedge's configuration (and budget, and method overrides), for a variant. */
    public Builder toBuilder() {
        Builder b = config.toBuilder().budget(budget);
        b.byMethod = byMethod;
        return b;
    }

    /** This hedge's settings; the budget and the method overrides aside. */
    public Config config() {
        return config;
    }

    /** The budget hedges spend from. */
    public RetryBudget budget() {
        return budget;
    }


    /**
     * Tells {@code listener} of the {@link ResilienceListener.Event}s of this step (for every
     * method, overrides included). Fast and non-blocking, see {@link ResilienceListener}.
     *
     * @return this
     */
    public Hedge addListener(ResilienceListener listener) {
        listeners.add(listener);
        return this;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        Hedge policy = byMethod.forCall(call, this);
        if (!policy.config.enabled || !policy.config.idempotency.test(call)) {
            return next.proceed(call);
        }
        CompletableFuture<Object> primary = next.proceed(call);
        if (primary.isDone()) {
            return primary;
        }
        return policy.new Race(call, next, primary, listeners).result;
    }

    /** The attempts of one call racing each other. */
    private final class Race {
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final Call call;
        final Next next;
        final CompletableFuture<Object> primary;
        CompletableFuture<Object> hedge; // guarded by this
        boolean hedgeClosed; // guarded by this: no hedge will be sent any more
        int running = 1; // guarded by this
        final Scheduler.Task timer;
        final Listeners events;

        Race(Call call, Next next, CompletableFuture<Object> primary, Listeners events) {
            this.events = events;
            this.call = call;
            this.next = next;
            this.primary = primary;
            primary.whenComplete((v, f) -> onAnswer(v, f));
            this.timer = config.scheduler.schedule(config.delay, () -> {
                try {
                    config.executor.execute(this::sendHedge);
                } catch (RejectedExecutionException e) {
                    // no hedge: the first attempt runs on alone
                }
            });
            result.whenComplete((v, f) -> {
                // Whoever finished the race (an answer, a last failure, the caller's cancel),
                // nothing else is needed: stop the timer and every attempt still running.
                timer.cancel();
                primary.cancel(true);
                CompletableFuture<Object> h;
                synchronized (this) {
                    hedgeClosed = true;
                    h = hedge;
                }
                if (h != null) {
                    h.cancel(true);
                }
            });
        }

        void sendHedge() {
            synchronized (this) {
                if (hedgeClosed || result.isDone()) {
                    return;
                }
                Deadline deadline = call.context().deadline().orElse(null);
                if (deadline != null && deadline.expired()) {
                    hedgeClosed = true;
                    return;
                }
                if (!budget.tryAcquireRetry()) {
                    hedgeClosed = true;
                    events.fire(ResilienceListener.Event.RETRY_BUDGET_EXHAUSTED, call);
                    return;
                }
                hedgeClosed = true;
                running++;
            }
            events.fire(ResilienceListener.Event.HEDGE_SENT, call);
            CompletableFuture<Object> h;
            try {
                h = next.proceed(call);
            } catch (RuntimeException | Error e) {
                h = CompletableFuture.failedFuture(e);
            }
            synchronized (this) {
                hedge = h;
            }
            if (result.isDone()) {
                h.cancel(true);
                return;
            }
            h.whenComplete((v, f) -> onAnswer(v, f));
        }

        void onAnswer(Object value, Throwable failure) {
            if (failure == null) {
                result.complete(value);
                return;
            }
            Throwable error = FailurePolicy.unwrap(failure);
            if (!config.failurePolicy.isFailure(error) && !FailurePolicy.isCancellation(error)) {
                result.completeExceptionally(error); // an answer, if not a happy one
                return;
            }
            boolean last;
            synchronized (this) {
                running--;
                // Failed before the hedge was due: give up the hedge and let Retry decide.
                hedgeClosed = true;
                last = running == 0;
            }
            if (last) {
                result.completeExceptionally(error);
            }
        }
    }

    @Override
    public String toString() {
        return "Hedge[" + (config.enabled ? "delay=" + config.delay : "off")
                + byMethod + "]";
    }

    /**
     * The configuration of a {@link Hedge}. Defaults: a 100 ms delay, only for idempotent
     * methods, {@link FailurePolicy#byStatus()}, the system scheduler, a budget of its own with
     * {@link RetryBudget}'s defaults (pass the client's instead), no method overrides. The most
     * specific setting wins: a method's override, else this hedge. Not thread-safe.
     */
    public static final class Builder {
        private boolean off;
        private MethodOverrides<Hedge> byMethod = MethodOverrides.none();
        private Duration delay = Duration.ofMillis(100);
        private FailurePolicy failurePolicy = FailurePolicy.byStatus();
        private Predicate<Call> idempotency = call -> call.method().idempotent();
        private Scheduler scheduler = Scheduler.system();
        private Executor executor = AttemptThreads.virtualThreads();
        private RetryBudget budget;

        private Builder() {
        }

        /** How long the first attempt runs alone before the hedge is sent (turns an {@link #off()} hedge on). */
        public Builder delay(Duration delay) {
            this.delay = CircuitBreakerBuilder.positive("delay", delay);
            this.off = false;
            return this;
        }

        /** Sends no hedges, except for the methods given an override with {@link #method}. */
        public Builder off() {
            this.off = true;
            return this;
        }

        /**
         * A hedge of its own for the method that {@code selector} calls on a stand-in of
         * {@code contract} (the arguments do not matter): {@code s -> s.level(0L)}. Calls of that
         * method use all of {@code override}'s settings (delay, failure policy, idempotency,
         * scheduler, or {@link Hedge#none() no hedging}) instead of this hedge's, and spend from
         * this hedge's budget, whatever budget {@code override} was built with.
         *
         * @throws IllegalArgumentException if the selector does not call exactly one remote
         *     method, or if {@code override} has method overrides of its own
         */
        public <T> Builder method(Class<T> contract, Consumer<? super T> selector, Hedge override) {
            Objects.requireNonNull(override, "override");
            if (!override.byMethod.isEmpty()) {
                throw new IllegalArgumentException("override: " + override
                        + " (expected: no method overrides of its own)");
            }
            byMethod = byMethod.with(contract, selector, override);
            return this;
        }

        /** Which errors are failures rather than answers. */
        public Builder failurePolicy(FailurePolicy policy) {
            this.failurePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Which calls may be hedged; by default the method's own declaration of idempotency. */
        public Builder idempotency(Predicate<Call> idempotent) {
            this.idempotency = Objects.requireNonNull(idempotent, "idempotent");
            return this;
        }

        /** Where the delay waits (a fake clock, such as courier-test's {@code FakeClock}, in tests). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Where hedges run (default: a virtual thread each). The scheduler only says when; the
         * attempt itself, the whole chain below this step, runs here, never on the timer thread,
         * which every deadline and backoff of the JVM shares. Tests on a fake clock may pass
         * {@code Runnable::run} to run it where the clock is advanced.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The budget hedges spend from: the client's, shared with its {@link Retry}. */
        public Builder budget(RetryBudget budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** The hedge. */
        public Hedge build() {
            Config config = new Config(!off, delay, failurePolicy, idempotency, scheduler, executor);
            return new Hedge(config, budget != null ? budget : RetryBudget.ofDefaults(), byMethod);
        }
    }
}
