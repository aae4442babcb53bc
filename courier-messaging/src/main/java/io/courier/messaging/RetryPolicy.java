package io.courier.messaging;

import io.courier.internal.Checks;
import java.time.Duration;

/**
 * How a consumer retries a handler that failed: how many attempts in all, and the backoff
 * between them (exponential from {@code initialBackoff}, capped at {@code maxBackoff}). After the
 * last attempt the message goes to the dead-letter channel. An immutable value, thread-safe;
 * variants by {@link #toBuilder()}.
 *
 * <pre>{@code
 * RetryPolicy retry = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(50)).build();
 * }</pre>
 *
 * <p>While a message waits for its next attempt, its partition key is <em>parked</em>: later
 * messages of that key wait behind it, so the key's order is kept, and messages of other keys
 * go on.
 *
 * @param maxAttempts attempts in all, the first included; 1 means no retry (default 5)
 * @param initialBackoff the wait after the first failure (default 100 ms)
 * @param maxBackoff the longest wait between attempts, at least {@code initialBackoff} (default 10 s)
 * @param multiplier how much each wait grows over the one before, at least 1 (default 2)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
    private static final RetryPolicy DEFAULT = builder().build();

    /**
     * Checks every component, with the builder's messages.
     *
     * @throws IllegalArgumentException naming the component when a value is out of range
     * @throws NullPointerException naming the component when a duration is null
     */
    public RetryPolicy {
        checkMaxAttempts(maxAttempts);
        Checks.positive("initialBackoff", initialBackoff);
        Checks.positive("maxBackoff", maxBackoff);
        checkMultiplier(multiplier);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= initialBackoff "
                    + initialBackoff + ")");
        }
    }

    /** 5 attempts, backoff from 100 ms doubling up to 10 s. */
    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    /** A builder with the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxAttempts = maxAttempts;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.multiplier = multiplier;
        return b;
    }

    /** The wait before attempt {@code attempt + 1}, after attempt {@code attempt} (from 1) failed. */
    public Duration backoff(int attempt) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return nanos >= maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos((long) nanos);
    }

    private static int checkMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
        }
        return maxAttempts;
    }

    private static double checkMultiplier(double multiplier) {
        if (!(multiplier >= 1)) {
            throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1)");
        }
        return multiplier;
    }

    /** Builds a {@link RetryPolicy}; not thread-safe. */
    public static final class Builder {
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private double multiplier = 2;

        private Builder() {
        }

        /** Attempts in all, the first included; 1 means no retry. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = checkMaxAttempts(maxAttempts);
            return this;
        }

        /** The wait after the first failure. */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = Checks.positive("initialBackoff", backoff);
            return this;
        }

        /** The longest wait between attempts. */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = Checks.positive("maxBackoff", backoff);
            return this;
        }

        /** How much each wait grows over the one before. */
        public Builder multiplier(double multiplier) {
            this.multiplier = checkMultiplier(multiplier);
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalArgumentException when {@code maxBackoff} is shorter than {@code initialBackoff}
         */
        public RetryPolicy build() {
            return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier);
        }
    }
}
