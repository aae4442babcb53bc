package io.courier.resilience.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last {@code size} outcomes, lock-free and allocation-free: a ring of slots written by
 * position, with running totals adjusted by each slot's old and new outcome. Concurrent
 * writers may finish out of order, but every swap adjusts the totals by exactly what it
 * replaced, so the totals always describe the slots.
 */
public final class CountWindow implements SlidingWindow {
    private static final int EMPTY = 0;
    private static final int CALL = 1;
    private static final int FAILED = 2;
    private static final int SLOW = 4;

    private final int size;
    private final AtomicIntegerArray slots;
    private final AtomicLong cursor = new AtomicLong();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger slowCalls = new AtomicInteger();

    public CountWindow(int size) {
        this.size = size;
        this.slots = new AtomicIntegerArray(size);
    }

    @Override
    public boolean record(boolean failure, boolean slow, long nowNanos, TripRule rule) {
        int outcome = CALL | (failure ? FAILED : 0) | (slow ? SLOW : 0);
        long position = cursor.getAndIncrement();
        int old = slots.getAndSet((int) (position % size), outcome);
        int f = adjust(failures, old, outcome, FAILED);
        int s = adjust(slowCalls, old, outcome, SLOW);
        int calls = (int) Math.min(position + 1, size);
        return rule.trips(calls, f, s);
    }

    private static int adjust(AtomicInteger total, int old, int now, int flag) {
        int delta = ((now & flag) != 0 ? 1 : 0) - ((old & flag) != 0 ? 1 : 0);
        return delta == 0 ? total.get() : total.addAndGet(delta);
    }

    @Override
    public int[] counts(long nowNanos) {
        int calls = 0;
        for (int i = 0; i < size; i++) {
            if (slots.get(i) != EMPTY) {
                calls++;
            }
        }
        return new int[] {calls, failures.get(), slowCalls.get()};
    }
}
