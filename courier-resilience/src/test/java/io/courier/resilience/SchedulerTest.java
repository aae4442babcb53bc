package io.courier.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    @Test
    void theSystemSchedulerRunsTasksAndCancelsThem() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicBoolean cancelledRan = new AtomicBoolean();
        Scheduler.Task cancelled = Scheduler.system().schedule(() -> cancelledRan.set(true), TimeUnit.SECONDS.toNanos(30));
        cancelled.cancel();

        Scheduler.system().schedule(ran::countDown, TimeUnit.MILLISECONDS.toNanos(1));

        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelledRan).isFalse();
    }

    @Test
    void aSchedulerOnAnExecutorRunsThere() throws InterruptedException {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "own-timer"));
        try {
            CountDownLatch ran = new CountDownLatch(1);
            String[] thread = new String[1];
            Scheduler.of(executor).schedule(() -> {
                thread[0] = Thread.currentThread().getName();
                ran.countDown();
            }, 0);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(thread[0]).isEqualTo("own-timer");
        } finally {
            executor.shutdownNow();
        }
    }
}
