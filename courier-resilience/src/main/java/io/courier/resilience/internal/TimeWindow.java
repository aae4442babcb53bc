package io.courier.resilience.internal;

/**
 * The outcomes of the last {@code duration}, in {@code buckets} buckets of equal length; a
 * bucket older than the window is emptied before it is reused.
 *
 * <p>Guarded by a lock: keeping several counters of a bucket consistent while it rolls over
 * is where lock-free code goes wrong, and the count window (the default) is the lock-free one.
 */
public final class TimeWindow implements SlidingWindow {
    private final long bucketNanos;
    private final long[] epochs;
    private final int[] calls;
    private final int[] failures;
    private final int[] slow;
    private int totalCalls;
    private int totalFailures;
    private int totalSlow;

    public TimeWindow(long durationNanos, int buckets) {
        this.bucketNanos = Math.max(1, durationNanos / buckets);
        this.epochs = new long[buckets];
        java.util.Arrays.fill(epochs, Long.MIN_VALUE);
        this.calls = new int[buckets];
        this.failures = new int[buckets];
        this.slow = new int[buckets];
    }

    @Override
    public synchronized boolean record(boolean failure, boolean slowCall, long nowNanos, TripRule rule) {
        int i = bucket(nowNanos);
        calls[i]++;
        totalCalls++;
        if (failure) {
            failures[i]++;
            totalFailures++;
        }
        if (slowCall) {
            slow[i]++;
            totalSlow++;
        }
        return rule.trips(totalCalls, totalFailures, totalSlow);
    }

    @Override
    public synchronized int[] counts(long nowNanos) {
        bucket(nowNanos);
        return new int[] {totalCalls, totalFailures, totalSlow};
    }

    /** The index of the bucket for {@code now}, after emptying every bucket that fell out of the window. */
    private int bucket(long nowNanos) {
        long epoch = Math.floorDiv(nowNanos, bucketNanos);
        int n = epochs.length;
        for (int i = 0; i < n; i++) {
            if (epochs[i] != Long.MIN_VALUE && epoch - epochs[i] >= n) {
                clear(i);
            }
        }
        int index = (int) Math.floorMod(epoch, (long) n);
        if (epochs[index] != epoch) {
            clear(index);
            epochs[index] = epoch;
        }
        return index;
    }

    private void clear(int i) {
        totalCalls -= calls[i];
        totalFailures -= failures[i];
        totalSlow -= slow[i];
        calls[i] = 0;
        failures[i] = 0;
        slow[i] = 0;
        epochs[i] = Long.MIN_VALUE;
    }
}
