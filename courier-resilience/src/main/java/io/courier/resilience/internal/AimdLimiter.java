package io.courier.resilience.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Additive increase, multiplicative decrease: a call that succeeds in time while the limit is
 * in use (at least half of it in flight) raises the limit by one; a dropped or too slow call
 * multiplies it by the backoff ratio. The "in use" condition keeps a lightly loaded client
 * from growing a limit it never tests.
 */
public final class AimdLimiter implements Limiter {
    private final int minLimit;
    private final int maxLimit;
    private final double backoffRatio;
    private final long latencyThresholdNanos;
    private final AtomicInteger limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    public AimdLimiter(int initialLimit, int minLimit, int maxLimit, double backoffRatio, long latencyThresholdNanos) {
        this.minLimit = minLimit;
        this.maxLimit = maxLimit;
        this.backoffRatio = backoffRatio;
        this.latencyThresholdNanos = latencyThresholdNanos;
        this.limit = new AtomicInteger(initialLimit);
    }

    @Override
    public boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= limit.get()) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    @Override
    public void release(long latencyNanos, boolean dropped, boolean ignored, long now) {
        int before = inFlight.getAndDecrement();
        if (ignored) {
            return;
        }
        if (dropped || latencyNanos > latencyThresholdNanos) {
            limit.updateAndGet(l -> Math.max(minLimit, Math.min(l - 1, (int) (l * backoffRatio))));
        } else if (before * 2 >= limit.get()) {
            limit.updateAndGet(l -> Math.min(maxLimit, l + 1));
        }
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public int limit() {
        return limit.get();
    }
}
