package io.courier.resilience.internal;

import io.courier.resilience.CircuitBreaker;

/** Calls go through; their outcomes fill the window until the trip rule opens the breaker. */
final class ClosedState extends BreakerState {
    private final SlidingWindow window;

    ClosedState(BreakerCore core, SlidingWindow window) {
        super(core);
        this.window = window;
    }

    @Override
    public CircuitBreaker.State state() {
        return CircuitBreaker.State.CLOSED;
    }

    @Override
    boolean tryAcquire(long nowNanos) {
        return true;
    }

    @Override
    public void onResult(boolean failure, boolean slow, long nowNanos) {
        if (window.record(failure, slow, nowNanos, core.rule)) {
            core.transition(this, CircuitBreaker.State.OPEN, nowNanos);
        }
    }

    @Override
    int[] counts(long nowNanos) {
        return window.counts(nowNanos);
    }
}
