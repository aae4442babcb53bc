package io.courier.resilience;

import java.time.Duration;

/**
 * The configuration of an adaptive concurrency limit for a {@link Bulkhead} that follows
 * latency by its gradient (one of the two {@link AdaptiveLimit}s, beside {@link AimdLimit};
 * after the idea of Netflix's concurrency-limits). The calls that end are averaged in windows
 * (at least {@code window} and {@code minWindowCalls} calls); each window's mean is compared
 * with a baseline, the latency when nothing queues, which follows a fall of the mean at once
 * (halfway per window) and a rise only over about a minute:
 *
 * <pre>
 *   gradient = clamp(tolerance * baseline / mean, 0.5, 1)
 *   limit    = (1 - smoothing) * limit + smoothing * (gradient * limit + sqrt(limit))
 * </pre>
 *
 * <p>Within {@code tolerance} the limit grows by its square root (the calls it lets queue);
 * beyond, it shrinks in proportion, by at most half per window. A window whose calls in flight
 * never reached half the limit does not raise it: a light load does not show that more would be
 * answered in time. Cancelled calls are not measured; failed ones are, by their latency (a
 * server's errors are mostly the caller's, not overload).
 *
 * <pre>{@code
 * Bulkhead shedder = Bulkhead.builder("orders").adaptive(GradientLimit.builder().minLimit(50).build())
 *     .shedLoad(Duration.ofSeconds(1)).build();
 * }</pre>
 *
 * <p>An immutable value, thread-safe; variants by {@link #toBuilder()}. Defaults: start at 100,
 * between 10 and 5,000, tolerance 2 (the mean may double), smoothing 0.2, windows of 100 ms and
 * 10 calls.
 *
 * @param initialLimit the limit to start with, in [minLimit, maxLimit]
 * @param minLimit the limit never goes below this, at least 1
 * @param maxLimit the limit never goes above this, at least {@code minLimit}
 * @param tolerance how many times the baseline a window's mean may reach before the limit
 *     shrinks, in [1, 10]
 * @param smoothing how much of each step the limit takes, in (0, 1]
 * @param window the shortest time over which latencies are averaged, positive
 * @param minWindowCalls the fewest calls a window averages, at least 1
 */
public record GradientLimit(int initialLimit, int minLimit, int maxLimit, double tolerance, double smoothing,
                            Duration window, int minWindowCalls) implements AdaptiveLimit {
    /**
     * Checks every component, with the builder's messages.
     *
     * @throws IllegalArgumentException naming the component when a value is out of range
     * @throws NullPointerException when {@code window} is null
     */
    public GradientLimit {
        LimitChecks.bounds(initialLimit, minLimit, maxLimit);
        checkTolerance(tolerance);
        checkSmoothing(smoothing);
        CircuitBreakerBuilder.positive("window", window);
        LimitChecks.atLeastOne("minWindowCalls", minWindowCalls);
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.initialLimit = initialLimit;
        b.minLimit = minLimit;
        b.maxLimit = maxLimit;
        b.tolerance = tolerance;
        b.smoothing = smoothing;
        b.window = window;
        b.minWindowCalls = minWindowCalls;
        return b;
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

    /** Builds a {@link GradientLimit}. Not thread-safe. */
    public static final class Builder {
        private int initialLimit = 100;
        private int minLimit = 10;
        private int maxLimit = 5_000;
        private double tolerance = 2;
        private double smoothing = 0.2;
        private Duration window = Duration.ofMillis(100);
        private int minWindowCalls = 10;

        private Builder() {
        }

        /** The limit to start with, before any latency was measured. */
        public Builder initialLimit(int limit) {
            this.initialLimit = LimitChecks.atLeastOne("initialLimit", limit);
            return this;
        }

        /** The limit never goes below this: the calls in flight always taken. */
        public Builder minLimit(int limit) {
            this.minLimit = LimitChecks.atLeastOne("minLimit", limit);
            return this;
        }

        /** The limit never goes above this. */
        public Builder maxLimit(int limit) {
            this.maxLimit = LimitChecks.atLeastOne("maxLimit", limit);
            return this;
        }

        /** How many times the baseline latency a window's mean may reach before the limit shrinks. */
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
            this.minWindowCalls = LimitChecks.atLeastOne("minWindowCalls", minCalls);
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException when the limits contradict each other
         */
        public GradientLimit build() {
            return new GradientLimit(initialLimit, minLimit, maxLimit, tolerance, smoothing, window, minWindowCalls);
        }
    }
}
