package io.courier.resilience.internal;

/** Admits calls up to a limit of calls in flight. Implementations are thread-safe; a call never waits for a lock. */
public interface Limiter {
    /** Takes a place if one is free. */
    boolean tryAcquire();

    /**
     * Gives back a place taken by a call that ended at {@code now} (a ticker's nanoseconds) after
     * {@code latencyNanos}; {@code dropped}: it failed in a way that says the service is
     * overloaded; {@code ignored}: it ended without saying anything (cancelled).
     */
    void release(long latencyNanos, boolean dropped, boolean ignored, long now);

    /** Calls in flight now. */
    int inFlight();

    /** The limit now. */
    int limit();
}
