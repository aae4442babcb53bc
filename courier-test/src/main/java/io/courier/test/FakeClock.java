package io.courier.test;

import io.courier.Clock;
import io.courier.Scheduler;
import io.courier.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Clock} (a {@link Ticker} and {@link Scheduler}, and a wall clock) whose time moves only when {@link #advance(Duration)} is
 * called, so tests of time-driven behaviour (deadlines, retry backoff, open breakers, hedging
 * delays, reply timeouts) run at once, without sleeping and without flakiness.
 *
 * <pre>{@code
 * FakeClock clock = FakeClock.create();
 * Retry retry = Retry.builder().ticker(clock).scheduler(clock).build();
 * ...
 * clock.advance(Duration.ofMillis(100)); // runs every task due by then, in time order
 * }</pre>
 *
 * <p>Thread-safe: any thread may read, schedule, cancel and advance. Due tasks run on the thread
 * that calls {@code advance}, one at a time, in order of due time (then of scheduling), each
 * with the clock reading its due time; a task scheduled by a task runs in the same advance if
 * it falls due within it. Advances from several threads add up, and time never goes back.
 */
public final class FakeClock implements Clock {
    // Not zero: code must not assume that nanoTime() starts anywhere in particular.
    private static final long DEFAULT_ORIGIN = 1_000_000_000_000L;
    private static final Instant WALL_ORIGIN = Instant.parse("2025-01-01T00:00:00Z");

    private final long origin;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    /** Held while running due tasks, so that tasks run one at a time and in order. */
    private final ReentrantLock running = new ReentrantLock();
    private long now; // guarded by this, like the fields below
    private long target; // where the advances asked so far take time to; now <= target
    private long sequence;

    private FakeClock(long origin) {
        this.origin = origin;
        this.now = origin;
        this.target = origin;
    }

    /** A clock at an arbitrary, fixed origin. */
    public static FakeClock create() {
        return new FakeClock(DEFAULT_ORIGIN);
    }

    /** A clock whose {@link #nanoTime()} reads {@code startNanos} until advanced. */
    public static FakeClock startingAt(long startNanos) {
        return new FakeClock(startNanos);
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    /**
     * Runs {@code task} when an advance reaches {@code delay} from now; a delay of zero or less
     * runs it on the next advance, even {@code advance(Duration.ZERO)}.
     */
    @Override
    public synchronized Task schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(task, "task");
        Entry e = new Entry(delay.isNegative() ? now : dueAfter(delay), sequence++, task);
        queue.add(e);
        return () -> {
            synchronized (FakeClock.this) {
                queue.remove(e);
            }
        };
    }

    /** {@code now + delay}, saturated: a delay too long to count is one that never comes. */
    private long dueAfter(Duration delay) {
        try {
            return Math.addExact(now, delay.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Moves time forward by {@code amount}, running the tasks that fall due on the way.
     *
     * @throws IllegalArgumentException when {@code amount} is negative: time never goes back
     */
    public FakeClock advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount: " + amount + " (expected: >= 0; time never goes back)");
        }
        long step = amount.toNanos();
        synchronized (this) {
            target += step;
        }
        // Reentrant: a task that advances the clock runs the tasks of its own advance first.
        running.lock();
        try {
            while (true) {
                Entry due;
                synchronized (this) {
                    due = queue.peek();
                    if (due == null || due.at > target) {
                        now = target;
                        return this;
                    }
                    queue.poll();
                    now = Math.max(now, due.at);
                }
                due.task.run(); // outside the monitor: a task may schedule, cancel or read the time
            }
        } finally {
            running.unlock();
        }
    }

    /** Runs the tasks due now (such as ones scheduled with no delay) without moving time. */
    public FakeClock runDue() {
        return advance(Duration.ZERO);
    }

    /** How many tasks wait to run: scheduled, and neither run nor cancelled. */
    public synchronized int pendingTasks() {
        return queue.size();
    }

    /**
     * A wall clock in UTC that moves with this one: it reads 2025-01-01T00:00:00Z plus the time
     * this clock has advanced, for code that stamps messages or compares wall-clock times.
     */
    public java.time.Clock wallClock() {
        return new java.time.Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("withZone: " + zone + " (expected: a fake clock stays in UTC)");
            }

            @Override
            public Instant instant() {
                return FakeClock.this.instant();
            }
        };
    }

    /** 2025-01-01T00:00:00Z plus the time this clock has advanced. */
    @Override
    public Instant instant() {
        return WALL_ORIGIN.plusNanos(nanoTime() - origin);
    }

    @Override
    public synchronized String toString() {
        return "FakeClock[" + now + "ns, " + queue.size() + " pending]";
    }

    private record Entry(long at, long seq, Runnable task) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
