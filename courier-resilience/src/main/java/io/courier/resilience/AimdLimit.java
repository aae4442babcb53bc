package io.courier.resilience;

import java.time.Duration;

/**
 * The configuration of an adaptive concurrency limit for a {@link Bulkhead}: additive increase,
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
 * <p>Immutable and thread-safe. Defaults: start at 20, between 1 and 200, ratio 0.9, threshold 1 s.
 */
public final class AimdLimit {
    final int initialLimit;
    final int minLimit;
    final int maxLimit;
    final double backoffRatio;
    final Duration latencyThreshold;

    private AimdLimit(Builder b) {
        this.initialLimit = b.initialLimit;
        this.minLimit = b.minLimit;
        this.maxLimit = b.maxLimit;
        this.backoffRatio = b.backoffRatio;
        this.latencyThreshold = b.latencyThreshold;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return new Builder().initialLimit(initialLimit).minLimit(minLimit).maxLimit(maxLimit)
                .backoffRatio(backoffRatio).latencyThreshold(latencyThreshold);
    }

    @Override
    public String toString() {
        return "AimdLimit[" + minLimit + ".." + maxLimit + " from " + initialLimit + ", x" + backoffRatio
                + ", slow from " + latencyThreshold + "]";
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
            this.initialLimit = atLeastOne("initialLimit", limit);
            return this;
        }

        /** The limit never goes below this. */
        public Builder minLimit(int limit) {
            this.minLimit = atLeastOne("minLimit", limit);
            return this;
        }

        /** The limit never goes above this. */
        public Builder maxLimit(int limit) {
            this.maxLimit = atLeastOne("maxLimit", limit);
            return this;
        }

        /** What the limit is multiplied by after an overload. */
        public Builder backoffRatio(double ratio) {
            if (!(ratio >= 0.5 && ratio < 1)) {
                throw new IllegalArgumentException("backoffRatio: " + ratio + " (expected: in [0.5, 1))");
            }
            this.backoffRatio = ratio;
            return this;
        }

        /** A call slower than this counts as an overload. */
        public Builder latencyThreshold(Duration threshold) {
            this.latencyThreshold = CircuitBreakerBuilder.positive("latencyThreshold", threshold);
            return this;
        }

        /** The configuration. */
        public AimdLimit build() {
            if (minLimit > maxLimit) {
                throw new IllegalArgumentException("minLimit: " + minLimit + " (expected: <= maxLimit " + maxLimit + ")");
            }
            if (initialLimit < minLimit || initialLimit > maxLimit) {
                throw new IllegalArgumentException("initialLimit: " + initialLimit + " (expected: in [" + minLimit
                        + ", " + maxLimit + "])");
            }
            return new AimdLimit(this);
        }

        private static int atLeastOne(String what, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(what + ": " + value + " (expected: >= 1)");
            }
            return value;
        }
    }
}
