package io.courier.resilience;

import java.time.Duration;

/**
 * The configuration of an adaptive concurrency limit for a {@link Bulkhead} (one of the two
 * {@link AdaptiveLimit}s, beside {@link GradientLimit}): additive increase,
 * multiplicative decrease (AIMD), as TCP does with its window. Each call that succeeds within
 * the {@linkplain Builder#latencyThreshold latency threshold} while the limit is in use raises
 * the limit by one; each call that fails as an overload ({@link FailurePolicy}) or takes longer
 * than the threshold multiplies it by the {@linkplain Builder#backoffRatio backoff ratio}. The
 * limit thus follows what the service can take, without configuring it.
 *
 * <pre>{@code
 * Bulkhead b = Bulkhead.builder("stock")
 *     .adaptive(AimdLimit.builder().initialLimit(20).maxLimit(200).latencyThreshold(Duration.ofMillis(250)).build())
 *     .build();
 * }</pre>
 *
 * <p>An immutable value, thread-safe; variants by {@link #toBuilder()}. Defaults: start at 20,
 * between 1 and 200, ratio 0.9, threshold 1 s.
 *
 * @param initialLimit the limit to start with, in [minLimit, maxLimit]
 * @param minLimit the limit never goes below this, at least 1
 * @param maxLimit the limit never goes above this, at least {@code minLimit}
 * @param backoffRatio what the limit is multiplied by after an overload, in [0.5, 1)
 * @param latencyThreshold a call slower than this counts as an overload
 */
public record AimdLimit(int initialLimit, int minLimit, int maxLimit, double backoffRatio, Duration latencyThreshold)
        implements AdaptiveLimit {
    /**
     * Checks every component, with the builder's messages.
     *
     * @throws IllegalArgumentException naming the component when a value is out of range
     * @throws NullPointerException when {@code latencyThreshold} is null
     */
    public AimdLimit {
        LimitChecks.bounds(initialLimit, minLimit, maxLimit);
        checkBackoffRatio(backoffRatio);
        CircuitBreakerBuilder.positive("latencyThreshold", latencyThreshold);
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
        b.backoffRatio = backoffRatio;
        b.latencyThreshold = latencyThreshold;
        return b;
    }

    private static double checkBackoffRatio(double ratio) {
        if (!(ratio >= 0.5 && ratio < 1)) {
            throw new IllegalArgumentException("backoffRatio: " + ratio + " (expected: in [0.5, 1))");
        }
        return ratio;
    }

    /** Builds an {@link AimdLimit}. Not thread-safe. */
    public static final class Builder {
        private int initialLimit = 20;
        private int minLimit = 1;
        private int maxLimit = 200;
        private double backoffRatio = 0.9;
        private Duration latencyThreshold = Duration.ofSeconds(1);

        private Builder() {
        }

        /** The limit to start with. */
        public Builder initialLimit(int limit) {
            this.initialLimit = LimitChecks.atLeastOne("initialLimit", limit);
            return this;
        }

        /** The limit never goes below this. */
        public Builder minLimit(int limit) {
            this.minLimit = LimitChecks.atLeastOne("minLimit", limit);
            return this;
        }

        /** The limit never goes above this. */
        public Builder maxLimit(int limit) {
            this.maxLimit = LimitChecks.atLeastOne("maxLimit", limit);
            return this;
        }

        /** What the limit is multiplied by after an overload. */
        public Builder backoffRatio(double ratio) {
            this.backoffRatio = checkBackoffRatio(ratio);
            return this;
        }

        /** A call slower than this counts as an overload. */
        public Builder latencyThreshold(Duration threshold) {
            this.latencyThreshold = CircuitBreakerBuilder.positive("latencyThreshold", threshold);
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException when the limits contradict each other
         */
        public AimdLimit build() {
            return new AimdLimit(initialLimit, minLimit, maxLimit, backoffRatio, latencyThreshold);
        }
    }
}
