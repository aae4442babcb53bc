package io.courier.resilience;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.ResourceExhaustedException;
import io.courier.Ticker;
import io.courier.resilience.internal.GradientLimiter;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A server interceptor that sheds load: it lets in as many calls at once as the server answers
 * without queueing, and refuses the others at once, before they run, instead of letting every
 * call wait longer until all of them miss their deadlines. The limit
 * is not configured but measured: it follows the latency of the calls served, growing while
 * they are answered about as fast as when the server is idle and shrinking when they slow down
 * (a gradient, described in {@code internal.GradientLimiter}).
 *
 * <p>A refused call gets a retry-safe {@link ResourceExhaustedException} marked
 * {@link ResourceExhaustedException#SERVER_OVERLOADED}: REST answers 503 with
 * {@code Retry-After}, gRPC {@code RESOURCE_EXHAUSTED} with {@code grpc-retry-pushback-ms};
 * a Courier client retries it (on another instance, when discovery offers one) even for a
 * call that is not idempotent, since it was not run.
 *
 * <pre>{@code
 * Courier.builder()
 *     .serverInterceptor(metrics.serverInterceptor())        // outermost: sheds are measured
 *     .serverInterceptor(LoadShedder.builder().build())      // before authentication: shedding is the cheapest answer
 *     .serverInterceptor(AccessControl.builder()...build())
 *     ...
 * }</pre>
 *
 * <p>Thread-safe. A call costs a compare-and-set to enter, two adders and a clock read to leave.
 */
public final class LoadShedder implements Interceptor {
    private final Config config;
    private final GradientLimiter limiter;

    private LoadShedder(Config config) {
        this.config = config;
        this.limiter = new GradientLimiter(config.initialLimit, config.minLimit, config.maxLimit, config.tolerance,
                config.smoothing, config.window.toNanos(), config.minWindowCalls, config.ticker.nanoTime());
    }

    /**
     * The settings of a {@link LoadShedder}: an immutable value.
     *
     * @param initialLimit the limit to start with, in [minLimit, maxLimit]
     * @param minLimit the limit never goes below this, at least 1
     * @param maxLimit the limit never goes above this
     * @param tolerance how many times the idle latency a window's mean may reach before the limit
     *     shrinks, in [1, 10]
     * @param smoothing how much of each step the limit takes, in (0, 1]
     * @param window the shortest time over which latencies are averaged, positive
     * @param minWindowCalls the fewest calls a window averages, at least 1
     * @param retryAfter how long a refused caller is asked to wait, not negative
     * @param ticker the source of time for latencies and windows
     */
    public record Config(int initialLimit, int minLimit, int maxLimit, double tolerance, double smoothing,
                         Duration window, int minWindowCalls, Duration retryAfter, Ticker ticker) {
        /** Checks every component, with the builder's messages. */
        public Config {
            atLeastOne("initialLimit", initialLimit);
            atLeastOne("minLimit", minLimit);
            atLeastOne("maxLimit", maxLimit);
            if (minLimit > maxLimit) {
                throw new IllegalArgumentException("minLimit: " + minLimit + " (expected: <= maxLimit " + maxLimit + ")");
            }
            if (initialLimit < minLimit || initialLimit > maxLimit) {
                throw new IllegalArgumentException("initialLimit: " + initialLimit + " (expected: in [" + minLimit
                        + ", " + maxLimit + "])");
            }
            checkTolerance(tolerance);
            checkSmoothing(smoothing);
            CircuitBreakerBuilder.positive("window", window);
            atLeastOne("minWindowCalls", minWindowCalls);
            checkRetryAfter(retryAfter);
            Objects.requireNonNull(ticker, "ticker");
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** This shedder's settings. */
    public Config config() {
        return config;
    }

    /** The limit now. */
    public int limit() {
        return limiter.limit();
    }

    /** Calls in flight now (past this interceptor, not yet answered). */
    public int inFlight() {
        return limiter.inFlight();
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        if (!limiter.tryAcquire()) {
            return CompletableFuture.failedFuture(ResourceExhaustedException.overloaded("server overloaded: "
                    + call.method().fullName() + " was not run (" + limiter.inFlight() + " calls in flight, limit "
                    + limiter.limit() + "); retry later or on another instance", config.retryAfter));
        }
        Ticker ticker = config.ticker;
        long start = ticker.nanoTime();
        CompletableFuture<Object> result;
        try {
            result = next.proceed(call);
        } catch (RuntimeException | Error e) {
            release(start, false);
            return CompletableFuture.failedFuture(e);
        }
        if (result.isDone()) {
            release(start, result.state() == Future.State.CANCELLED);
            return result;
        }
        result.whenComplete((v, f) -> release(start, result.isCancelled() || f instanceof CancellationException));
        return result;
    }

    private void release(long start, boolean cancelled) {
        long now = config.ticker.nanoTime();
        limiter.release(now - start, cancelled, now);
    }

    @Override
    public String toString() {
        return "LoadShedder[" + limiter.inFlight() + "/" + limiter.limit() + "]";
    }

    private static int atLeastOne(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: >= 1)");
        }
        return value;
    }

    private static double checkTolerance(double tolerance) {
        if (!(tolerance >= 1 && tolerance <= 10)) {
            throw new IllegalArgumentException("tolerance: " + tolerance + " (expected: in [1, 10])");
        }
        return tolerance;
    }

    private static double checkSmoothing(double smoothing) {
        if (!(smoothing > 0 && smoothing <= 1)) {
            throw new IllegalArgumentException("smoothing: " + smoothing + " (expected: in (0, 1])");
        }
        return smoothing;
    }

    private static Duration checkRetryAfter(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected: >= 0)");
        }
        return retryAfter;
    }

    /**
     * Builds a {@link LoadShedder}. Defaults: start at 100 calls, between 10 and 5,000; tolerance
     * 2 (the mean latency may double before the limit shrinks); smoothing 0.2; windows of at
     * least 100 ms and 10 calls; refused callers asked to wait 1 s; the system ticker. Not
     * thread-safe.
     */
    public static final class Builder {
        private int initialLimit = 100;
        private int minLimit = 10;
        private int maxLimit = 5_000;
        private double tolerance = 2;
        private double smoothing = 0.2;
        private Duration window = Duration.ofMillis(100);
        private int minWindowCalls = 10;
        private Duration retryAfter = Duration.ofSeconds(1);
        private Ticker ticker = Ticker.system();

        private Builder() {
        }

        /** The limit to start with, before any latency was measured. */
        public Builder initialLimit(int limit) {
            this.initialLimit = atLeastOne("initialLimit", limit);
            return this;
        }

        /** The limit never goes below this: the calls in flight the server always takes. */
        public Builder minLimit(int limit) {
            this.minLimit = atLeastOne("minLimit", limit);
            return this;
        }

        /** The limit never goes above this. */
        public Builder maxLimit(int limit) {
            this.maxLimit = atLeastOne("maxLimit", limit);
            return this;
        }

        /** How many times its idle latency the server may take before the limit shrinks. */
        public Builder tolerance(double tolerance) {
            this.tolerance = checkTolerance(tolerance);
            return this;
        }

        /** How much of each step the limit takes: 1 follows every window, less averages them. */
        public Builder smoothing(double smoothing) {
            this.smoothing = checkSmoothing(smoothing);
            return this;
        }

        /** The shortest time, and the fewest calls, over which latencies are averaged. */
        public Builder window(Duration window, int minCalls) {
            this.window = CircuitBreakerBuilder.positive("window", window);
            this.minWindowCalls = atLeastOne("minWindowCalls", minCalls);
            return this;
        }

        /** How long a refused caller is asked to wait ({@code Retry-After}, gRPC pushback). */
        public Builder retryAfter(Duration retryAfter) {
            this.retryAfter = checkRetryAfter(retryAfter);
            return this;
        }

        /** The source of time (a fake clock, such as courier-test's {@code FakeClock}, in tests). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * The shedder.
         *
         * @throws IllegalArgumentException when the limits contradict each other
         */
        public LoadShedder build() {
            return new LoadShedder(new Config(initialLimit, minLimit, maxLimit, tolerance, smoothing, window,
                    minWindowCalls, retryAfter, ticker));
        }
    }
}
