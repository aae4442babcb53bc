package io.courier.bench.load;

import io.courier.internal.VirtualWorkers;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * What handing a task to a virtual thread costs by itself, without a network or an event loop:
 * one thread hands {@code tasks} tasks out, 64 at a time, and each task hands a result back
 * through a queue that thread drains; CPU time and allocation of this JVM per task, for a
 * thread started per task and for {@link VirtualWorkers} (the threads of blocking-style handlers),
 * alternating, each after a warm-up of as many tasks.
 *
 * <pre>{@code java -cp ... io.courier.bench.load.HandOffMain 200000 4}</pre>
 */
public final class HandOffMain {
    private static final int IN_FLIGHT = 64;

    private HandOffMain() {
    }

    /** Arguments: tasks per round, rounds. */
    public static void main(String[] args) throws Exception {
        int tasks = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        for (int r = 0; r < rounds; r++) {
            for (String kind : new String[] {"thread-per-task", "virtual-workers"}) {
                ExecutorService executor = kind.equals("virtual-workers")
                        ? new VirtualWorkers("worker-", 256, Duration.ofSeconds(30))
                        : Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("task-", 0).factory());
                run(executor, tasks);
                long cpu = ProcessStats.cpuNanos();
                long allocated = ProcessStats.allocatedBytes();
                run(executor, tasks);
                System.out.printf("%-16s CPU %.2f us/task, alloc %d B/task%n", kind,
                        (ProcessStats.cpuNanos() - cpu) / 1e3 / tasks, (ProcessStats.allocatedBytes() - allocated) / tasks);
                executor.shutdownNow();
            }
        }
    }

    private static void run(ExecutorService executor, int tasks) throws InterruptedException {
        LinkedBlockingQueue<Boolean> back = new LinkedBlockingQueue<>();
        int started = 0;
        for (; started < Math.min(IN_FLIGHT, tasks); started++) {
            executor.execute(() -> back.add(Boolean.TRUE));
        }
        for (int done = 0; done < tasks; done++) {
            back.take();
            if (started < tasks) {
                started++;
                executor.execute(() -> back.add(Boolean.TRUE));
            }
        }
    }
}
