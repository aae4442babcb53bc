package io.courier.resilience;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.Ticker;
import io.courier.resilience.internal.BreakerCore;
import io.courier.resilience.internal.BreakerState;
import io.courier.resilience.internal.CountWindow;
import io.courier.resilience.internal.Listeners;
import io.courier.resilience.internal.Phase;
import io.courier.resilience.internal.SlidingWindow;
import io.courier.resilience.internal.TimeWindow;
import io.courier.resilience.internal.TripRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker as an {@link Interceptor}: while {@linkplain State#CLOSED closed} calls go
 * through and their outcomes fill a sliding window (the last N calls, or the calls of the last
 * T); once the window holds {@linkplain CircuitBreakerBuilder#minimumCalls enough calls} and the
 * failure rate or the slow-call rate reaches its threshold, the breaker {@linkplain State#OPEN
 * opens} and refuses calls with a retry-safe {@link CircuitOpenException} naming it. After
 * {@linkplain CircuitBreakerBuilder#waitInOpen the wait} it is {@linkplain State#HALF_OPEN
 * half-open}: a limited number of trial calls go through; one failed or slow trial opens it
 * again for twice as long (up to {@linkplain CircuitBreakerBuilder#maxWaitInOpen a cap}), all
 * trials succeeding close it. Every change of state is published to the listeners.
 *
 * <p><b>A sick endpoint, or a bad request.</b> A breaker must open when the endpoint is sick,
 * never because some requests are bad. So:
 * <ul>
 *   <li>errors count as failures only when the {@link FailurePolicy} says so; the default
 *       counts {@code UNAVAILABLE}, {@code RESOURCE_EXHAUSTED}, {@code INTERNAL},
 *       {@code UNKNOWN} and non-Courier exceptions, never the request's own faults
 *       ({@code INVALID_ARGUMENT}, {@code NOT_FOUND}, {@code PERMISSION_DENIED} ...), which
 *       count as successes;</li>
 *   <li>a call that ran out of its deadline ({@code DEADLINE_EXCEEDED}) counts as slow, never
 *       as failed: it trips the breaker only through the slow-call rate, when most calls are
 *       slow, not when one request spun until its deadline;</li>
 *   <li>a cancelled call counts neither way, unless it was cancelled after the slow-call
 *       duration: then it counts as slow, so that an endpoint whose answers always lose to a
 *       hedge or a deadline still trips; calls refused by a {@link Bulkhead} never count.</li>
 * </ul>
 * Usually one breaker guards each endpoint ({@link CircuitBreakers}) and one the whole service
 * ({@link Resilience}).
 *
 * <pre>{@code
 * CircuitBreaker breaker = CircuitBreaker.builder("stock")
 *     .countWindow(50).minimumCalls(10).failureRateThreshold(50)
 *     .waitInOpen(Duration.ofSeconds(5))
 *     .listener(t -> log.info("{} {} -> {}", t.breaker(), t.from(), t.to()))
 *     .build();
 * courier.client(StockService.class).target(uri).interceptor(breaker).build();
 * }</pre>
 *
 * <p>Thread-safe. The closed state's path is lock-free and, for the default count window,
 * allocates nothing beyond the completion callback; a time window takes a short lock.
 */
public final class CircuitBreaker implements Interceptor {
    private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

    /** The states of a breaker. */
    public enum State {
        /** Calls go through and are counted. */
        CLOSED,
        /** Calls are refused until the wait is over. */
        OPEN,
        /** A limited number of trial calls go through. */
        HALF_OPEN
    }

    /** A change of state, published to listeners; {@code atNanos} is on the breaker's ticker. */
    public record Transition(String breaker, State from, State to, long atNanos) {
    }

    /**
     * Receives state changes, on the thread whose call caused them: must be fast and must not
     * block or throw (what it throws is logged and dropped).
     */
    @FunctionalInterface
    public interface Listener {
        /** Called once per change of state. */
        void onTransition(Transition transition);
    }

    /** The counts a breaker judges by now: of the window when closed, of the trials when half-open. */
    public record Metrics(State state, int calls, int failedCalls, int slowCalls) {
        /** Failed calls in percent of calls, 0 with no calls. */
        public float failureRate() {
            return calls == 0 ? 0 : failedCalls * 100f / calls;
        }

        /** Slow calls in percent of calls, 0 with no calls. */
        public float slowCallRate() {
            return calls == 0 ? 0 : slowCalls * 100f / calls;
        }
    }

    /**
     * The settings of a {@link CircuitBreaker}, as its {@link CircuitBreakerBuilder} set them: an
     * immutable value to read, compare, log or copy ({@link #toBuilder()}). The state and the
     * counts are the breaker's own.
     *
     * @param name the breaker's name, used in errors and events
     * @param countWindow judge by the last this many calls, in [1, 1000000] (unused with a time window)
     * @param timeWindow judge by the calls of the last this long instead, at least 10 ms, when present
     * @param minimumCalls calls the window must hold before the breaker may open, at least 1
     * @param failureRateThreshold failure rate, in percent, at which the breaker opens, in (0, 100]
     * @param slowCallRateThreshold slow-call rate, in percent, at which the breaker opens, in (0, 100]
     * @param slowCallDuration how long a call may take before it counts as slow
     * @param waitInOpen how long the breaker stays open the first time
     * @param maxWaitInOpen the longest it stays open however often its trials failed, at least
     *     {@code waitInOpen}; empty for {@linkplain #effectiveMaxWaitInOpen() the default}
     * @param trialCalls trial calls let through while half-open, at least 1
     * @param failurePolicy which errors count as failures of the endpoint
     * @param ticker the source of time
     * @param listeners who hears of changes of state, in order
     */
    public record Config(String name, int countWindow, Optional<Duration> timeWindow, int minimumCalls,
                         float failureRateThreshold, float slowCallRateThreshold, Duration slowCallDuration,
                         Duration waitInOpen, Optional<Duration> maxWaitInOpen, int trialCalls,
                         FailurePolicy failurePolicy, Ticker ticker, List<Listener> listeners) {
        /**
         * Checks every component, with the builder's messages, and copies the listeners.
         *
         * @throws IllegalArgumentException naming the component when a value is out of range, or
         *     when settings contradict each other
         * @throws NullPointerException naming the component when it is null
         */
        public Config {
            CircuitBreakerBuilder.checkName(name);
            CircuitBreakerBuilder.checkCountWindow(countWindow);
            Objects.requireNonNull(timeWindow, "timeWindow").ifPresent(CircuitBreakerBuilder::checkTimeWindow);
            CircuitBreakerBuilder.atLeastOne("minimumCalls", minimumCalls);
            CircuitBreakerBuilder.percent("failureRateThreshold", failureRateThreshold);
            CircuitBreakerBuilder.percent("slowCallRateThreshold", slowCallRateThreshold);
            CircuitBreakerBuilder.positive("slowCallDuration", slowCallDuration);
            CircuitBreakerBuilder.positive("waitInOpen", waitInOpen);
            Objects.requireNonNull(maxWaitInOpen, "maxWaitInOpen")
                    .ifPresent(d -> CircuitBreakerBuilder.positive("maxWaitInOpen", d));
            CircuitBreakerBuilder.atLeastOne("trialCalls", trialCalls);
            Objects.requireNonNull(failurePolicy, "failurePolicy");
            Objects.requireNonNull(ticker, "ticker");
            listeners = List.copyOf(Objects.requireNonNull(listeners, "listeners"));
            if (timeWindow.isEmpty() && minimumCalls > countWindow) {
                throw new IllegalArgumentException("minimumCalls: " + minimumCalls + " (expected: <= countWindow "
                        + countWindow + ", or the breaker could never open)");
            }
            if (maxWaitInOpen.isPresent() && maxWaitInOpen.get().compareTo(waitInOpen) < 0) {
                throw new IllegalArgumentException("maxWaitInOpen: " + maxWaitInOpen.get()
                        + " (expected: >= waitInOpen " + waitInOpen + ")");
            }
        }

        /** The cap on the wait in open: {@link #maxWaitInOpen()}, else 60 s, or {@link #waitInOpen()} when longer. */
        public Duration effectiveMaxWaitInOpen() {
            return maxWaitInOpen.orElseGet(() -> CircuitBreakerBuilder.defaultMaxWaitInOpen(waitInOpen));
        }

        /** A builder holding these settings. */
        public CircuitBreakerBuilder toBuilder() {
            CircuitBreakerBuilder b = new CircuitBreakerBuilder(name);
            b.countWindow = countWindow;
            b.timeWindow = timeWindow.orElse(null);
            b.minimumCalls = minimumCalls;
            b.failureRateThreshold = failureRateThreshold;
            b.slowCallRateThreshold = slowCallRateThreshold;
            b.slowCallDuration = slowCallDuration;
            b.waitInOpen = waitInOpen;
            b.maxWaitInOpen = maxWaitInOpen.orElse(null);
            b.trialCalls = trialCalls;
            b.failurePolicy = failurePolicy;
            b.ticker = ticker;
            b.listeners = new ArrayList<>(listeners);
            return b;
        }
    }

    private final Config config;
    private final String name;
    private final Ticker ticker;
    private final FailurePolicy failurePolicy;
    private final long slowCallNanos;
    private final List<Listener> listeners;
    private final BreakerCore core;
    private final Listeners events = new Listeners();

    CircuitBreaker(Config config) {
        this.config = config;
        this.name = config.name;
        this.ticker = config.ticker;
        this.failurePolicy = config.failurePolicy;
        this.slowCallNanos = config.slowCallDuration.toNanos();
        this.listeners = config.listeners;
        TripRule rule = new TripRule(config.minimumCalls, config.failureRateThreshold, config.slowCallRateThreshold);
        int size = config.countWindow;
        long windowNanos = config.timeWindow.map(Duration::toNanos).orElse(0L);
        Supplier<SlidingWindow> windows = config.timeWindow.isEmpty()
                ? () -> new CountWindow(size)
                : () -> new TimeWindow(windowNanos, TIME_BUCKETS);
        this.core = new BreakerCore(name, ticker, rule, config.waitInOpen.toNanos(),
                config.effectiveMaxWaitInOpen().toNanos(), config.trialCalls, windows,
                (from, to, at) -> publish(new Transition(name, state(from), state(to), at)));
    }

    /** Buckets of a time window: the window slides in steps of a tenth of its length. */
    static final int TIME_BUCKETS = 10;

    /** A builder with the defaults, for a breaker called {@code name} (used in errors and events). */
    public static CircuitBreakerBuilder builder(String name) {
        return new CircuitBreakerBuilder(name);
    }

    /** A breaker called {@code name} with the defaults. */
    public static CircuitBreaker of(String name) {
        return builder(name).build();
    }

    /** A builder holding this breaker's configuration, for a variant; the new breaker starts closed. */
    public CircuitBreakerBuilder toBuilder() {
        return config.toBuilder();
    }

    /** This breaker's settings. */
    public Config config() {
        return config;
    }

    /** The breaker's name. */
    public String name() {
        return name;
    }

    /** The state now (an open breaker whose wait is over turns half-open here). */
    public State state() {
        return state(core.state(ticker.nanoTime()).state());
    }

    /** The counts the breaker judges by now. */
    public Metrics metrics() {
        long now = ticker.nanoTime();
        int[] c = core.counts(now);
        return new Metrics(state(core.state(now).state()), c[0], c[1], c[2]);
    }

    /**
     * Whether a call made now would be let through: closed, or half-open with a trial call left.
     * Takes no permit; for a load balancer deciding whether to pick this endpoint.
     */
    public boolean isCallPermitted() {
        return core.wouldAdmit(ticker.nanoTime());
    }

    /** Moves the breaker to {@code state} now, publishing the change; for operators and tests. */
    public void transitionTo(State state) {
        core.force(phase(Objects.requireNonNull(state, "state")), ticker.nanoTime());
    }


    /**
     * Tells {@code listener} of the {@link ResilienceListener.Event}s of this step (for every
     * method, overrides included). Fast and non-blocking, see {@link ResilienceListener}.
     *
     * @return this
     */
    public CircuitBreaker addListener(ResilienceListener listener) {
        events.add(listener);
        return this;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        long start = ticker.nanoTime();
        BreakerState admitted = core.tryAcquire(start);
        if (admitted == null) {
            events.fire(ResilienceListener.Event.BREAKER_OPEN, call);
            return CompletableFuture.failedFuture(rejection(start));
        }
        CompletableFuture<Object> result;
        try {
            result = next.proceed(call);
        } catch (RuntimeException | Error e) {
            record(admitted, start, e);
            return CompletableFuture.failedFuture(e);
        }
        if (result.isDone()) {
            // Answered at once (a cache, a fake, a local rejection): record without a callback.
            record(admitted, start, result.state() == Future.State.SUCCESS ? null : failureOf(result));
            return result;
        }
        // The caller sees the outcome only after it is recorded: callbacks on one future run in
        // no promised order, and a retry reacting first would slip past a breaker about to open.
        CompletableFuture<Object> recorded = new CompletableFuture<>();
        result.whenComplete((value, failure) -> {
            record(admitted, start, failure);
            if (failure == null) {
                recorded.complete(value);
            } else {
                recorded.completeExceptionally(failure);
            }
        });
        recorded.whenComplete((value, failure) -> {
            if (recorded.isCancelled()) {
                result.cancel(true);
            }
        });
        return recorded;
    }

    private static Throwable failureOf(CompletableFuture<Object> done) {
        return done.state() == Future.State.CANCELLED ? new java.util.concurrent.CancellationException()
                : done.exceptionNow();
    }

    private void record(BreakerState admitted, long start, Throwable failure) {
        long now = ticker.nanoTime();
        boolean slow = now - start >= slowCallNanos;
        if (failure == null) {
            admitted.onResult(false, slow, now);
            return;
        }
        Throwable t = FailurePolicy.unwrap(failure);
        if (FailurePolicy.isCancellation(t) && slow) {
            // Cancelled after it was already slow (a hedge that won, the caller's deadline): the
            // endpoint was slow whatever came next, and a slow endpoint must be able to trip.
            admitted.onResult(false, true, now);
        } else if (FailurePolicy.isCancellation(t) || t instanceof BulkheadFullException) {
            admitted.onIgnored(); // says nothing about the endpoint's health
        } else if (FailurePolicy.isDeadlineExceeded(t)) {
            // Out of time: a sick endpoint, or one request that asked for too much work (a
            // pathological input that spins to the deadline). Only a rate tells them apart: the
            // call counts as slow, never as failed, so one or two cannot open the breaker.
            admitted.onResult(false, true, now);
        } else {
            admitted.onResult(failurePolicy.isFailure(t), slow, now);
        }
    }

    private CircuitOpenException rejection(long now) {
        long left = core.openRemainingNanos(now);
        String why = left > 0
                ? "is open (calls fail fast for another " + Duration.ofNanos(left).toMillis() + " ms)"
                : "is half-open with all " + config.trialCalls + " trial calls in flight";
        return new CircuitOpenException(name, "circuit breaker " + name + " " + why);
    }

    private static State state(Phase phase) {
        return switch (phase) {
            case CLOSED -> State.CLOSED;
            case OPEN -> State.OPEN;
            case HALF_OPEN -> State.HALF_OPEN;
        };
    }

    private static Phase phase(State state) {
        return switch (state) {
            case CLOSED -> Phase.CLOSED;
            case OPEN -> Phase.OPEN;
            case HALF_OPEN -> Phase.HALF_OPEN;
        };
    }

    private void publish(Transition t) {
        log.info("circuit breaker {}: {} -> {}", t.breaker(), t.from(), t.to());
        for (Listener l : listeners) {
            try {
                l.onTransition(t);
            } catch (RuntimeException e) {
                log.warn("circuit breaker {}: listener {} failed: {}", name, l, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "CircuitBreaker[" + name + ", " + state() + "]";
    }
}
