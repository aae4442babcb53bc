package io.courier.resilience.internal;

/** The recent outcomes a closed breaker judges by. Implementations are thread-safe. */
public interface SlidingWindow {
    /** Records one outcome at {@code nowNanos}; true if the window now trips {@code rule}. */
    boolean record(boolean failure, boolean slow, long nowNanos, TripRule rule);

    /** {calls, failures, slow calls} in the window at {@code nowNanos}. */
    int[] counts(long nowNanos);
}
