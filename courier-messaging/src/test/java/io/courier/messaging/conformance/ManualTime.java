package io.courier.messaging.conformance;

import io.courier.Ticker;
import io.courier.messaging.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Fake time for tests: a {@link Ticker}, a {@link Clock} and a {@link Scheduler} that move only
 * when {@link #advance(Duration)} is called, which runs the tasks that fall due, in time order,
 * on the calling thread. Thread-safe.
 */
public final class ManualTime implements Ticker, Scheduler {
    private final PriorityQueue<Scheduled> tasks = new PriorityQueue<>();
    private long nanos = 1_000_000_000L;
    private long order;

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    /** A wall clock that moves with this time. */
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochSecond(1_700_000_000L).plusNanos(nanoTime());
            }
        };
    }

    @Override
    public synchronized Task schedule(Duration delay, Runnable task) {
        Scheduled s = new Scheduled(nanos + Math.max(0, delay.toNanos()), order++, task);
        tasks.add(s);
        return () -> {
            synchronized (ManualTime.this) {
                tasks.remove(s);
            }
        };
    }

    /** Tasks scheduled and not yet run or cancelled. */
    public synchronized int pending() {
        return tasks.size();
    }

    /** Moves time forward by {@code amount}, running every task that falls due on the way. */
    public void advance(Duration amount) {
        long target;
        synchronized (this) {
            target = nanos + amount.toNanos();
        }
        while (true) {
            List<Runnable> due = new ArrayList<>();
            synchronized (this) {
                Scheduled next = tasks.peek();
                if (next == null || next.at > target) {
                    nanos = target;
                    return;
                }
                tasks.poll();
                nanos = Math.max(nanos, next.at);
                due.add(next.task);
            }
            due.forEach(Runnable::run);
        }
    }

    private record Scheduled(long at, long order, Runnable task) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }
}
