package io.courier.resilience.internal;

import java.util.concurrent.atomic.AtomicInteger;

/** A fixed number of calls in flight. */
public final class FixedLimiter implements Limiter {
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    public FixedLimiter(int limit) {
        this.limit = limit;
    }

    @Override
    public boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    @Override
    public void release(long latencyNanos, boolean dropped, boolean ignored, long now) {
        inFlight.decrementAndGet();
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public int limit() {
        return limit;
    }
}
