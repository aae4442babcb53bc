package io.courier.resilience.internal;


/**
 * One state of a circuit breaker. A call's outcome goes back to the state that let it through,
 * so a call admitted while closed cannot close a breaker that opened in the meantime.
 */
public abstract class BreakerState {
    final BreakerCore core;

    BreakerState(BreakerCore core) {
        this.core = core;
    }

    /** Which state this is. */
    public abstract Phase state();

    /** The state in force at {@code now}: this one, unless its time is up. */
    BreakerState settle(long nowNanos) {
        return this;
    }

    /** Whether a call may go through now. */
    abstract boolean tryAcquire(long nowNanos);

    /** Whether a call made now would go through, without taking a permit. */
    boolean wouldAdmit() {
        return true;
    }

    /** Records the outcome of a call this state let through. */
    public abstract void onResult(boolean failure, boolean slow, long nowNanos);

    /** A call this state let through ended without an outcome that says anything (cancelled). */
    public void onIgnored() {
    }

    /** {calls, failures, slow calls} this state has seen. */
    abstract int[] counts(long nowNanos);
}
