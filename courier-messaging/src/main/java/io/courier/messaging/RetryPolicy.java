package io.courier.messaging;

import io.courier.internal.Checks;
import java.time.Duration;

/**
 * How a consumer retries a handler that failed: how many attempts in all, and the backoff
 * between them (exponential from {@code initialBackoff}, capped at {@code maxBackoff}). After the
 * last attempt the message goes to the dead-letter channel. Immutable and thread-safe.
 *
 * <pre>{@code
 * RetryPolicy retry = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(50)).build();
 * }</pre>
 *
 * <p>While a message waits for its next attempt, its partition key is <em>parked</em>: later
 * messages of that key wait behind it, so the key's order is kept, and messages of other keys
 * go on.
 */
public final class RetryPolicy {
    private static final RetryPolicy DEFAULT = builder().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double multiplier;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.multiplier = b.multiplier;
    }

    /** 5 attempts, backoff from 100 ms doubling up to 10 s. */
    public static RetryPolicy defaults() {
        return DEFAULT;
    }

    /** A builder with the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Attempts in all, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The wait before attempt {@code attempt + 1}, after attempt {@code attempt} (from 1) failed. */
    public Duration backoff(int attempt) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return nanos >= maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos((long) nanos);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff " + initialBackoff.toMillis() + " ms x" + multiplier
                + " up to " + maxBackoff.toMillis() + " ms]";
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
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
            }
            this.maxAttempts = maxAttempts;
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
            if (!(multiplier >= 1)) {
                throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1)");
            }
            this.multiplier = multiplier;
            return this;
        }

        /** The policy. */
        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= initialBackoff "
                        + initialBackoff + ")");
            }
            return new RetryPolicy(this);
        }
    }
}
