package io.courier.resilience.internal;


/**
 * Calls are rejected until the wait is over; the first call after it finds the breaker half-open.
 * The wait is fixed when the state is made: {@link BreakerCore#waitFor} backs it off.
 */
final class OpenState extends BreakerState {
    private final long openedAtNanos;
    final long waitNanos;

    OpenState(BreakerCore core, long openedAtNanos, long waitNanos) {
        super(core);
        this.openedAtNanos = openedAtNanos;
        this.waitNanos = waitNanos;
    }

    @Override
    public Phase state() {
        return Phase.OPEN;
    }

    @Override
    BreakerState settle(long nowNanos) {
        if (nowNanos - openedAtNanos >= waitNanos) {
            core.transition(this, Phase.HALF_OPEN, nowNanos);
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
        return Math.max(0, waitNanos - (nowNanos - openedAtNanos));
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
