package io.courier.resilience;

import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: how the policies wait (retry backoff, hedging delay, deadlines)
 * without blocking a thread. {@link #system()} in production; tests pass a {@link ManualClock}
 * so that time moves only when they say so.
 *
 * <pre>{@code
 * Scheduler.Task t = scheduler.schedule(() -> attempt(2), 50_000_000L);
 * t.cancel();
 * }</pre>
 *
 * <p>Implementations are thread-safe. Tasks must be short and must not block: they may run on
 * a shared timer thread.
 */
@FunctionalInterface
public interface Scheduler {
    /** Runs {@code task} once, {@code delayNanos} from now (at once if zero or negative). */
    Task schedule(Runnable task, long delayNanos);

    /** A scheduled task that has not necessarily run yet. */
    @FunctionalInterface
    interface Task {
        /** Prevents the task from running if it has not started; harmless if it has. */
        void cancel();
    }

    /** A scheduler on one shared daemon timer thread, created on first use. */
    static Scheduler system() {
        return SystemScheduler.INSTANCE;
    }

    /** A scheduler on {@code executor}; closing the executor is the caller's business. */
    static Scheduler of(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return (task, delayNanos) -> {
            ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}

/** Holder of the shared timer, so it is created only when first used. */
final class SystemScheduler {
    static final Scheduler INSTANCE = Scheduler.of(Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "courier-resilience-timer");
        t.setDaemon(true);
        return t;
    }));

    private SystemScheduler() {
    }
}
