package io.courier.resilience.internal;


/** Calls go through; their outcomes fill the window until the trip rule opens the breaker. */
final class ClosedState extends BreakerState {
    private final SlidingWindow window;

    ClosedState(BreakerCore core, SlidingWindow window) {
        super(core);
        this.window = window;
    }

    @Override
    public Phase state() {
        return Phase.CLOSED;
    }

    @Override
    boolean tryAcquire(long nowNanos) {
        return true;
    }

    @Override
    public void onResult(boolean failure, boolean slow, long nowNanos) {
        if (window.record(failure, slow, nowNanos, core.rule)) {
            core.transition(this, Phase.OPEN, nowNanos);
        }
    }

    @Override
    int[] counts(long nowNanos) {
        return window.counts(nowNanos);
    }
}
