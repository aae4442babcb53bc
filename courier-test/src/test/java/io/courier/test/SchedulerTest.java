package io.courier.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real schedulers of courier-core, tested here beside their fake. */
class SchedulerTest {
    @Test
    void theSystemSchedulerRunsTasksInOrderOnADaemonThreadAndCancelsThem() throws InterruptedException {
        assertRunsInOrderAndCancels(Scheduler.system(), "courier-timer");
    }

    @Test
    void aSchedulerOnAnExecutorRunsThere() throws InterruptedException {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("own-timer").factory());
        try {
            assertRunsInOrderAndCancels(Scheduler.of(executor), "own-timer");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aDelayTooLongToCountIsAcceptedAndCancellable() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        executor.setRemoveOnCancelPolicy(true);
        try {
            Scheduler.Task never = Scheduler.of(executor).schedule(Duration.ofSeconds(Long.MAX_VALUE), () -> { });
            assertThat(executor.getQueue()).hasSize(1);
            never.cancel();
            assertThat(executor.getQueue()).isEmpty();
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Holds the scheduler's single thread busy while a task is scheduled and cancelled, so the
     * cancelled task surely could have run before the last one had it not been cancelled.
     */
    private static void assertRunsInOrderAndCancels(Scheduler scheduler, String threadName) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        scheduler.schedule(Duration.ZERO, () -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.add("first on " + Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " (daemon)" : ""));
        });
        Scheduler.Task cancelled = scheduler.schedule(Duration.ofSeconds(-1), () -> ran.add("cancelled"));
        cancelled.cancel();
        scheduler.schedule(Duration.ofNanos(1), () -> {
            ran.add("last");
            done.countDown();
        });
        release.countDown();

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("first on " + threadName + " (daemon)", "last");
    }
}
