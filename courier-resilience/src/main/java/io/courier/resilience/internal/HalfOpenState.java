package io.courier.resilience.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A limited number of trial calls go through, the rest are rejected. One failed or slow trial
 * opens the breaker again; when every trial has succeeded it closes.
 */
final class HalfOpenState extends BreakerState {
    private final int trials;
    private final AtomicInteger permits;
    private final AtomicInteger successes = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    HalfOpenState(BreakerCore core, int trials) {
        super(core);
        this.trials = trials;
        this.permits = new AtomicInteger(trials);
    }

    @Override
    public Phase state() {
        return Phase.HALF_OPEN;
    }

    @Override
    boolean tryAcquire(long nowNanos) {
        while (true) {
            int p = permits.get();
            if (p <= 0) {
                return false;
            }
            if (permits.compareAndSet(p, p - 1)) {
                return true;
            }
        }
    }

    @Override
    boolean wouldAdmit() {
        return permits.get() > 0;
    }

    @Override
    public void onResult(boolean failure, boolean slow, long nowNanos) {
        if (failure || slow) {
            failures.incrementAndGet();
            core.transition(this, Phase.OPEN, nowNanos);
        } else if (successes.incrementAndGet() >= trials) {
            core.transition(this, Phase.CLOSED, nowNanos);
        }
    }

    @Override
    public void onIgnored() {
        permits.incrementAndGet(); // the trial told nothing: let another call try
    }

    @Override
    int[] counts(long nowNanos) {
        int s = successes.get();
        int f = failures.get();
        return new int[] {s + f, f, 0};
    }
}
