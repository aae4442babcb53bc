package io.courier.resilience;

import io.courier.Ticker;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Caps the retries (and hedged attempts) of one client at a fraction of its recent requests
 * plus a small floor, so that during an outage retries add at most that fraction to the load
 * instead of multiplying it by the number of attempts. Requests and retries are counted over a
 * sliding window (default 10 s, in ten steps).
 *
 * <p>With the defaults (20%, 10 retries/s, 10 s), a client sending 100 requests a second may
 * retry 20 + 10 of them a second; one sending 1 request a second may still retry each one.
 *
 * <pre>{@code
 * RetryBudget budget = RetryBudget.builder().ratio(0.1).minRetriesPerSecond(5).build();
 * Retry retry = Retry.builder().budget(budget).build();
 * }</pre>
 *
 * <p>Thread-safe; share one per client (all its methods), not one per call. Guarded by a short
 * lock, taken once per request and once per retry.
 */
public final class RetryBudget {
    private static final int BUCKETS = 10;

    private final Config config;
    private final Ticker ticker;
    private final double ratio;
    private final long bucketNanos;
    private final double floor;
    private final long[] epochs = new long[BUCKETS];
    private final int[] requests = new int[BUCKETS];
    private final int[] retries = new int[BUCKETS];

    private RetryBudget(Config config) {
        this.config = config;
        this.ticker = config.ticker;
        this.ratio = config.ratio;
        this.bucketNanos = Math.max(1, config.window.toNanos() / BUCKETS);
        this.floor = config.minRetriesPerSecond * (config.window.toNanos() / 1e9);
        Arrays.fill(epochs, Long.MIN_VALUE);
    }

    /**
     * The settings of a {@link RetryBudget}: an immutable value to read, compare, log or copy
     * ({@link #toBuilder()}); the counts are the budget's own.
     *
     * @param ratio retries allowed per request in the window, on top of the floor, in [0, 1] (default 0.2)
     * @param minRetriesPerSecond retries allowed per second whatever the traffic, at least 0 (default 10)
     * @param window how far back requests and retries are counted, at least 100 ms (default 10 s)
     * @param ticker the source of time
     */
    public record Config(double ratio, int minRetriesPerSecond, Duration window, Ticker ticker) {
        /**
         * Checks every component, with the builder's messages.
         *
         * @throws IllegalArgumentException naming the component when a value is out of range
         * @throws NullPointerException naming the component when it is null
         */
        public Config {
            checkRatio(ratio);
            checkMinRetriesPerSecond(minRetriesPerSecond);
            checkWindow(window);
            Objects.requireNonNull(ticker, "ticker");
        }

        /** A builder holding these settings. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.ratio = ratio;
            b.minRetriesPerSecond = minRetriesPerSecond;
            b.window = window;
            b.ticker = ticker;
            return b;
        }
    }

    /** A builder with the defaults: 20% of requests, 10 retries/s, a 10 s window, the system ticker. */
    public static Builder builder() {
        return new Builder();
    }

    /** A budget with the defaults. */
    public static RetryBudget ofDefaults() {
        return builder().build();
    }

    /** A builder holding this budget's configuration; the new budget starts empty. */
    public Builder toBuilder() {
        return config.toBuilder();
    }

    /** This budget's settings. */
    public Config config() {
        return config;
    }

    /** Counts a request (a logical call's first attempt). */
    public synchronized void onRequest() {
        requests[bucket(ticker.nanoTime())]++;
    }

    /** Takes one retry from the budget; false (and nothing taken) when it is spent. */
    public synchronized boolean tryAcquireRetry() {
        int i = bucket(ticker.nanoTime());
        if (sum(retries) + 1 > ratio * sum(requests) + floor) {
            return false;
        }
        retries[i]++;
        return true;
    }

    /** Requests counted in the window now. */
    public synchronized int requests() {
        bucket(ticker.nanoTime());
        return sum(requests);
    }

    /** Retries taken in the window now. */
    public synchronized int retries() {
        bucket(ticker.nanoTime());
        return sum(retries);
    }

    private int bucket(long nowNanos) {
        long epoch = Math.floorDiv(nowNanos, bucketNanos);
        for (int i = 0; i < BUCKETS; i++) {
            if (epochs[i] != Long.MIN_VALUE && epoch - epochs[i] >= BUCKETS) {
                epochs[i] = Long.MIN_VALUE;
                requests[i] = 0;
                retries[i] = 0;
            }
        }
        int index = (int) Math.floorMod(epoch, (long) BUCKETS);
        if (epochs[index] != epoch) {
            epochs[index] = epoch;
            requests[index] = 0;
            retries[index] = 0;
        }
        return index;
    }

    private static int sum(int[] counts) {
        int s = 0;
        for (int c : counts) {
            s += c;
        }
        return s;
    }

    @Override
    public String toString() {
        return "RetryBudget[" + (ratio * 100) + "% + " + config.minRetriesPerSecond + "/s over " + config.window + "]";
    }

    /** The configuration of a {@link RetryBudget}. Not thread-safe. */
    public static final class Builder {
        private double ratio = 0.2;
        private int minRetriesPerSecond = 10;
        private Duration window = Duration.ofSeconds(10);
        private Ticker ticker = Ticker.system();

        private Builder() {
        }

        /** Retries allowed per request in the window, on top of the floor (0.2: 20%). */
        public Builder ratio(double ratio) {
            this.ratio = checkRatio(ratio);
            return this;
        }

        /** Retries allowed per second whatever the traffic, so that quiet clients can retry too. */
        public Builder minRetriesPerSecond(int retries) {
            this.minRetriesPerSecond = checkMinRetriesPerSecond(retries);
            return this;
        }

        /** How far back requests and retries are counted. */
        public Builder window(Duration window) {
            this.window = checkWindow(window);
            return this;
        }

        /** The source of time (a fake clock, such as courier-test's {@code FakeClock}, in tests). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** The budget. */
        public RetryBudget build() {
            return new RetryBudget(new Config(ratio, minRetriesPerSecond, window, ticker));
        }
    }

    private static double checkRatio(double ratio) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio: " + ratio + " (expected: in [0, 1])");
        }
        return ratio;
    }

    private static int checkMinRetriesPerSecond(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("minRetriesPerSecond: " + retries + " (expected: >= 0)");
        }
        return retries;
    }

    private static Duration checkWindow(Duration window) {
        Objects.requireNonNull(window, "window");
        if (window.toMillis() < 100) {
            throw new IllegalArgumentException("window: " + window + " (expected: >= 100ms)");
        }
        return window;
    }
}
