package io.courier;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay, without blocking a thread to wait: how Courier's modules time
 * retry backoff, hedging delays, reply deadlines and breaker windows. {@link #system()} in
 * production, {@link #of(ScheduledExecutorService)} to use a timer of your own; tests pass a
 * fake one (courier-test's {@code FakeClock}) so that time moves only when they say so.
 *
 * <pre>{@code
 * Scheduler.Task retry = Scheduler.system().schedule(Duration.ofMillis(200), () -> send(request));
 * retry.cancel(); // the reply came first
 * }</pre>
 *
 * <p>Implementations are thread-safe: any thread may schedule and cancel. Tasks must be short
 * and must not block, since they may run on a timer thread shared by everything; a task
 * handles its own exceptions, which are not reported.
 */
@FunctionalInterface
public interface Scheduler {
    /** Runs {@code task} once, {@code delay} from now (as soon as possible for zero or less). */
    Task schedule(Duration delay, Runnable task);

    /** A scheduled task that has not necessarily run yet. */
    @FunctionalInterface
    interface Task {
        /** Prevents the task from running if it has not started; harmless if it has. */
        void cancel();
    }

    /** The scheduler on one daemon timer thread shared by the whole JVM, started on first use. */
    static Scheduler system() {
        return SystemScheduler.INSTANCE;
    }

    /** A scheduler on {@code executor}; the caller keeps owning (and shutting down) the executor. */
    static Scheduler of(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return (delay, task) -> {
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(task, "task");
            // Saturated, so a huge delay means "practically never" rather than an overflow error.
            long nanos = delay.isNegative() ? 0 : saturatedNanos(delay);
            ScheduledFuture<?> f = executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}

/**
 * Holds the shared timer, so that the thread starts only when {@link Scheduler#system()} is
 * first called. Kept in this file because it exists only for that method.
 */
final class SystemScheduler {
    static final Scheduler INSTANCE = Scheduler.of(timer());

    private SystemScheduler() {
    }

    private static ScheduledExecutorService timer() {
        var executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("courier-timer").factory());
        // Cancelled deadline timers are the common case; drop them at once rather than at their due time.
        executor.setRemoveOnCancelPolicy(true);
        return Executors.unconfigurableScheduledExecutorService(executor);
    }
}
