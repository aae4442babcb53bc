package io.courier.resilience.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A concurrency limit that follows latency, by its gradient: the calls that end in a window
 * (at least {@code windowNanos} and {@code minSamples} calls) give the window's mean latency,
 * compared with a baseline, the latency the server has when it is not queueing. While the
 * mean stays within {@code tolerance} times the baseline the limit grows by the square root of
 * itself (the calls it lets queue); beyond, it shrinks in proportion, by at most half, so the
 * calls in flight fall back to what the server answers in time. Each step is smoothed.
 *
 * <pre>
 *   gradient = clamp(tolerance * baseline / mean, 0.5, 1)
 *   limit    = (1 - smoothing) * limit + smoothing * (gradient * limit + sqrt(limit))
 * </pre>
 *
 * <p>The baseline follows a fall of the mean at once (halfway per window) and a rise only over
 * about a minute: a server that got slower for good (a slower database) is judged by its new
 * normal after a while, and a short overload cannot teach it that overload is normal. A
 * window in which the calls in flight never reached half the limit does not raise it: the
 * load was too light to show that a higher limit would be answered in time.
 *
 * <p>Thread-safe: admission is one compare-and-set; a sample is two adders; closing a window
 * takes a lock that a thread only tries, so a call never waits for another.
 */
public final class GradientLimiter implements Limiter {
    private static final double BASELINE_RISE_NANOS = 60e9;

    private final double minLimit;
    private final double maxLimit;
    private final double tolerance;
    private final double smoothing;
    private final long windowNanos;
    private final int minSamples;
    private final double baselineRise;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final LongAdder latencySum = new LongAdder();
    private final LongAdder samples = new LongAdder();
    private final ReentrantLock closing = new ReentrantLock();
    private volatile int limit;
    private volatile long windowStart;
    // Written under the lock only.
    private double exactLimit;
    private double baseline;

    public GradientLimiter(int initialLimit, int minLimit, int maxLimit, double tolerance, double smoothing,
                           long windowNanos, int minSamples, long now) {
        this.minLimit = minLimit;
        this.maxLimit = maxLimit;
        this.tolerance = tolerance;
        this.smoothing = smoothing;
        this.windowNanos = windowNanos;
        this.minSamples = minSamples;
        this.baselineRise = Math.min(1, windowNanos / BASELINE_RISE_NANOS);
        this.exactLimit = initialLimit;
        this.limit = initialLimit;
        this.windowStart = now;
    }

    @Override
    public boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                if (n + 1 > peakInFlight.get()) {
                    peakInFlight.accumulateAndGet(n + 1, Math::max);
                }
                return true;
            }
        }
    }

    /** As {@link Limiter#release}: a dropped call is measured by its latency like any other. */
    @Override
    public void release(long latencyNanos, boolean dropped, boolean ignored, long now) {
        inFlight.decrementAndGet();
        if (ignored) {
            return;
        }
        latencySum.add(latencyNanos);
        samples.increment();
        if (now - windowStart >= windowNanos && samples.sum() >= minSamples && closing.tryLock()) {
            try {
                if (now - windowStart >= windowNanos) {
                    closeWindow(now);
                }
            } finally {
                closing.unlock();
            }
        }
    }

    private void closeWindow(long now) {
        long n = samples.sumThenReset();
        long sum = latencySum.sumThenReset();
        int peak = peakInFlight.getAndSet(inFlight.get());
        windowStart = now;
        if (n > 0) {
            update(sum / (double) n, peak);
        }
    }

    private void update(double mean, int peak) {
        if (baseline == 0) {
            baseline = mean;
        } else if (mean < baseline) {
            baseline += (mean - baseline) * 0.5;
        } else {
            baseline += (mean - baseline) * baselineRise;
        }
        double gradient = Math.max(0.5, Math.min(1.0, tolerance * baseline / Math.max(mean, 1)));
        if (gradient >= 1.0 && peak * 2 < exactLimit) {
            return; // too light a load to show that more would be answered in time
        }
        double target = gradient * exactLimit + Math.sqrt(exactLimit);
        double next = (1 - smoothing) * exactLimit + smoothing * target;
        exactLimit = Math.max(minLimit, Math.min(maxLimit, next));
        limit = (int) exactLimit;
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public int limit() {
        return limit;
    }

    /** The latency the limit judges windows against, in nanoseconds; 0 before the first window. */
    public double baselineNanos() {
        closing.lock();
        try {
            return baseline;
        } finally {
            closing.unlock();
        }
    }
}
