package io.courier.messaging;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: what {@link Messaging} uses for reply deadlines and retry
 * backoff. The default wraps a {@link ScheduledExecutorService}; tests pass one that runs
 * tasks when they move a fake clock, so nothing waits in real time. Implementations must be
 * thread-safe.
 *
 * <pre>{@code
 * Scheduler.Task t = scheduler.schedule(Duration.ofMillis(200), () -> retry(message));
 * t.cancel();
 * }</pre>
 */
@FunctionalInterface
public interface Scheduler {
    /** Runs {@code task} once, {@code delay} from now (at once for zero or less). */
    Task schedule(Duration delay, Runnable task);

    /** A scheduler over {@code executor}; the caller keeps owning (and shutting down) the executor. */
    static Scheduler of(ScheduledExecutorService executor) {
        return (delay, task) -> {
            ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }

    /** A scheduled task. */
    @FunctionalInterface
    interface Task {
        /** Stops the task from running, if it has not started; does nothing otherwise. */
        void cancel();
    }
}
