package io.courier.resilience.internal;

import io.courier.resilience.CircuitBreaker;

/** Calls are rejected until the wait is over; the first call after it finds the breaker half-open. */
final class OpenState extends BreakerState {
    private final long openedAtNanos;

    OpenState(BreakerCore core, long openedAtNanos) {
        super(core);
        this.openedAtNanos = openedAtNanos;
    }

    @Override
    public CircuitBreaker.State state() {
        return CircuitBreaker.State.OPEN;
    }

    @Override
    BreakerState settle(long nowNanos) {
        if (nowNanos - openedAtNanos >= core.waitInOpenNanos) {
            core.transition(this, CircuitBreaker.State.HALF_OPEN, nowNanos);
            return core.current().settle(nowNanos);
        }
        return this;
    }

    @Override
    boolean tryAcquire(long nowNanos) {
        return false;
    }

    @Override
    boolean wouldAdmit() {
        return false;
    }

    /** How long calls will still be rejected. */
    long remainingNanos(long nowNanos) {
        return Math.max(0, core.waitInOpenNanos - (nowNanos - openedAtNanos));
    }

    @Override
    public void onResult(boolean failure, boolean slow, long nowNanos) {
        // An open breaker lets nothing through, so nothing reports back here.
    }

    @Override
    int[] counts(long nowNanos) {
        return new int[3];
    }
}
