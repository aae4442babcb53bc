package io.courier.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VirtualWorkersTest {
    private final VirtualWorkers workers = new VirtualWorkers("test-worker-", 4, Duration.ofMinutes(1));

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    /** The thread a task runs on; waits until the thread that ran it has gone back to waiting. */
    private Thread threadOf(Runnable task) throws Exception {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        workers.execute(() -> {
            task.run();
            thread.complete(Thread.currentThread());
        });
        Thread t = thread.get(10, TimeUnit.SECONDS);
        // Back among the waiting ones once parked: a task handed now goes to it.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        return t;
    }

    @Test
    void aThreadThatFinishedATaskRunsTheNextOne() throws Exception {
        Thread first = threadOf(() -> { });
        Thread second = threadOf(() -> { });

        assertThat(first.isVirtual()).isTrue();
        assertThat(second).isSameAs(first);
    }

    @Test
    void tasksNeverWaitForEachOther() throws Exception {
        int n = 10; // more than the threads kept waiting
        CountDownLatch all = new CountDownLatch(n);
        List<Future<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(workers.submit(() -> {
                all.countDown();
                return all.await(10, TimeUnit.SECONDS); // only if every task runs at once
            }));
        }
        for (Future<Boolean> t : tasks) {
            assertThat(t.get(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void cancellingATaskInterruptsItsThreadButNotTheThreadsNextTask() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Future<?> blocked = workers.submit(() -> {
            running.countDown();
            try {
                new CountDownLatch(1).await(1, TimeUnit.MINUTES);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        blocked.cancel(true);
        assertThat(interrupted.get(10, TimeUnit.SECONDS)).as("the running task was interrupted").isTrue();

        AtomicBoolean next = new AtomicBoolean(true);
        threadOf(() -> Thread.currentThread().interrupt()); // an interrupt left behind
        threadOf(() -> next.set(Thread.currentThread().isInterrupted()));
        assertThat(next).as("the next task starts uninterrupted").isFalse();
    }

    @Test
    void aFailingTaskDoesNotEndItsThread() throws Exception {
        CompletableFuture<Thread> failing = new CompletableFuture<>();
        workers.execute(() -> {
            failing.complete(Thread.currentThread());
            throw new IllegalStateException("expected by the test");
        });
        Thread t = failing.get(10, TimeUnit.SECONDS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < end) {
            Thread.onSpinWait();
        }

        assertThat(threadOf(() -> { })).isSameAs(t);
    }

    @Test
    void shutdownNowInterruptsRunningTasksAndRefusesNewOnes() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        workers.execute(() -> {
            running.countDown();
            try {
                new CountDownLatch(1).await(1, TimeUnit.MINUTES);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        workers.shutdownNow();

        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).as("every thread ended").isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> workers.execute(() -> { }))
                .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    }
}
