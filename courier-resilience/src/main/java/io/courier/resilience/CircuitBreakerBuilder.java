package io.courier.resilience;

import io.courier.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration of a {@link CircuitBreaker}, from {@link CircuitBreaker#builder(String)}.
 * Defaults: a count window of the last 100 calls, at least 20 calls before judging, open at a
 * 50% failure rate or an 80% slow-call rate, slow from 10 s, open for 5 s at first, doubling
 * each time a trial fails up to 60 s, 5 trial calls, {@link FailurePolicy#byStatus()}, the
 * system ticker.
 *
 * <pre>{@code
 * CircuitBreaker breaker = CircuitBreaker.builder("stock")
 *     .countWindow(50).minimumCalls(10)
 *     .waitInOpen(Duration.ofSeconds(5)).maxWaitInOpen(Duration.ofSeconds(60))
 *     .build();
 * }</pre>
 *
 * <p>Not thread-safe; the breaker it builds is.
 */
public final class CircuitBreakerBuilder {
    private static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(60);

    String name;
    int countWindow = 100;
    Duration timeWindow;
    int minimumCalls = 20;
    float failureRateThreshold = 50;
    float slowCallRateThreshold = 80;
    Duration slowCallDuration = Duration.ofSeconds(10);
    Duration waitInOpen = Duration.ofSeconds(5);
    /** Null: {@link #DEFAULT_MAX_WAIT}, or {@link #waitInOpen} when that is longer. */
    Duration maxWaitInOpen;
    int trialCalls = 5;
    FailurePolicy failurePolicy = FailurePolicy.byStatus();
    Ticker ticker = Ticker.system();
    List<CircuitBreaker.Listener> listeners = new ArrayList<>();

    CircuitBreakerBuilder(String name) {
        name(name);
    }

    /** The breaker's name, used in errors and events. */
    public CircuitBreakerBuilder name(String name) {
        this.name = checkName(name);
        return this;
    }

    /** Judge by the last {@code calls} calls (the default, with 100). */
    public CircuitBreakerBuilder countWindow(int calls) {
        this.countWindow = checkCountWindow(calls);
        this.timeWindow = null;
        return this;
    }

    /** Judge by the calls of the last {@code duration}, sliding in tenths of it. */
    public CircuitBreakerBuilder timeWindow(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        this.timeWindow = checkTimeWindow(duration);
        return this;
    }

    /**
     * Calls the window must hold before the breaker may open. Keep it well above one or two:
     * below it, a few unlucky calls are a high rate.
     */
    public CircuitBreakerBuilder minimumCalls(int calls) {
        this.minimumCalls = atLeastOne("minimumCalls", calls);
        return this;
    }

    /** Failure rate, in percent, at which the breaker opens. */
    public CircuitBreakerBuilder failureRateThreshold(float percent) {
        this.failureRateThreshold = percent("failureRateThreshold", percent);
        return this;
    }

    /**
     * Slow-call rate, in percent, at which the breaker opens (100: only when every call is slow).
     * Calls that ran out of their deadline count here, and only here.
     */
    public CircuitBreakerBuilder slowCallRateThreshold(float percent) {
        this.slowCallRateThreshold = percent("slowCallRateThreshold", percent);
        return this;
    }

    /** How long a call may take before it counts as slow. */
    public CircuitBreakerBuilder slowCallDuration(Duration duration) {
        this.slowCallDuration = positive("slowCallDuration", duration);
        return this;
    }

    /**
     * How long the breaker stays open the first time before letting trial calls through; each
     * time a trial fails and it opens again, the wait doubles, up to {@link #maxWaitInOpen}.
     */
    public CircuitBreakerBuilder waitInOpen(Duration duration) {
        this.waitInOpen = positive("waitInOpen", duration);
        return this;
    }

    /**
     * The longest the breaker stays open however often its trials failed (default 60 s, or
     * {@link #waitInOpen} when that is longer); equal to {@code waitInOpen}, every wait is the same.
     */
    public CircuitBreakerBuilder maxWaitInOpen(Duration duration) {
        this.maxWaitInOpen = positive("maxWaitInOpen", duration);
        return this;
    }

    /** Trial calls let through while half-open; all must succeed to close the breaker. */
    public CircuitBreakerBuilder trialCalls(int calls) {
        this.trialCalls = atLeastOne("trialCalls", calls);
        return this;
    }

    /**
     * Which errors count as failures of the endpoint. A call that ran out of its deadline, or was
     * cancelled, is not asked about: see {@link CircuitBreaker}.
     */
    public CircuitBreakerBuilder failurePolicy(FailurePolicy policy) {
        this.failurePolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** The source of time (a fake clock, such as courier-test's {@code FakeClock}, in tests). */
    public CircuitBreakerBuilder ticker(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        return this;
    }

    /** Adds a listener for changes of state. */
    public CircuitBreakerBuilder listener(CircuitBreaker.Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * The breaker, closed.
     *
     * @throws IllegalArgumentException when settings contradict each other
     */
    public CircuitBreaker build() {
        return new CircuitBreaker(config());
    }

    /** The settings as a value, checked. */
    CircuitBreaker.Config config() {
        return new CircuitBreaker.Config(name, countWindow, Optional.ofNullable(timeWindow), minimumCalls,
                failureRateThreshold, slowCallRateThreshold, slowCallDuration, waitInOpen,
                Optional.ofNullable(maxWaitInOpen), trialCalls, failurePolicy, ticker, listeners);
    }

    /** The default cap on the wait in open, for a first wait of {@code waitInOpen}. */
    static Duration defaultMaxWaitInOpen(Duration waitInOpen) {
        return waitInOpen.compareTo(DEFAULT_MAX_WAIT) > 0 ? waitInOpen : DEFAULT_MAX_WAIT;
    }

    CircuitBreakerBuilder copy() {
        CircuitBreakerBuilder b = new CircuitBreakerBuilder(name);
        b.countWindow = countWindow;
        b.timeWindow = timeWindow;
        b.minimumCalls = minimumCalls;
        b.failureRateThreshold = failureRateThreshold;
        b.slowCallRateThreshold = slowCallRateThreshold;
        b.slowCallDuration = slowCallDuration;
        b.waitInOpen = waitInOpen;
        b.maxWaitInOpen = maxWaitInOpen;
        b.trialCalls = trialCalls;
        b.failurePolicy = failurePolicy;
        b.ticker = ticker;
        b.listeners = new ArrayList<>(listeners);
        return b;
    }

    static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: not blank)");
        }
        return name;
    }

    static int checkCountWindow(int calls) {
        if (calls < 1 || calls > 1_000_000) {
            throw new IllegalArgumentException("countWindow: " + calls + " (expected: in [1, 1000000])");
        }
        return calls;
    }

    static Duration checkTimeWindow(Duration duration) {
        if (duration.toMillis() < 10) {
            throw new IllegalArgumentException("timeWindow: " + duration + " (expected: >= 10ms)");
        }
        return duration;
    }

    static int atLeastOne(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: >= 1)");
        }
        return value;
    }

    static float percent(String what, float value) {
        if (!(value > 0 && value <= 100)) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: in (0, 100])");
        }
        return value;
    }

    static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: > 0)");
        }
        return value;
    }
}
