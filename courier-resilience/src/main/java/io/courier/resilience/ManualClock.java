package io.courier.resilience;

import io.courier.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link Ticker} and {@link Scheduler} whose time moves only when {@link #advance(Duration)}
 * is called: tests of time-driven behaviour (backoff, open breakers, hedging delays, deadlines)
 * run in microseconds, without sleeping and without flakiness.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * Retry retry = Retry.builder().ticker(clock).scheduler(clock).build();
 * ...
 * clock.advance(Duration.ofMillis(100)); // runs every task due by then, in order
 * }</pre>
 *
 * <p>Thread-safe. Due tasks run on the thread that calls {@code advance}, each with the clock
 * set to its due time, so a task sees the time it was scheduled for.
 */
public final class ManualClock implements Ticker, Scheduler {
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long now;
    private long sequence;

    /** A clock at time zero. */
    public ManualClock() {
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Task schedule(Runnable task, long delayNanos) {
        Objects.requireNonNull(task, "task");
        Entry e = new Entry(now + Math.max(0, delayNanos), sequence++, task);
        queue.add(e);
        return () -> {
            synchronized (ManualClock.this) {
                queue.remove(e);
            }
        };
    }

    /** Moves time forward by {@code amount}, running the tasks that fall due on the way. */
    public void advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount: " + amount + " (expected: >= 0)");
        }
        long target;
        synchronized (this) {
            target = now + amount.toNanos();
        }
        while (true) {
            Entry due;
            synchronized (this) {
                due = queue.peek();
                if (due == null || due.at > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = Math.max(now, due.at);
            }
            due.task.run(); // outside the lock: a task may schedule more
        }
    }

    /** Runs the tasks due now (for example ones scheduled with no delay) without moving time. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** How many tasks wait to run. */
    public synchronized int pendingTasks() {
        return queue.size();
    }

    private record Entry(long at, long seq, Runnable task) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
