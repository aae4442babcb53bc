package io.courier.it;

import io.courier.CourierException;
import io.courier.test.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls {@link Echo#echo} from a few virtual threads, one call after another on each, until
 * stopped or a cap on calls is reached, recording each call's outcome and duration.
 */
final class Load implements AutoCloseable {
    /** One logical call: whether it succeeded, how long it took, and its error. */
    record Outcome(boolean ok, long nanos, CourierException error) {
    }

    private final AtomicInteger issued = new AtomicInteger();
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final int cap;
    private volatile boolean stopped;

    Load(Echo echo, int threadCount, int cap) {
        this.cap = cap;
        for (int i = 0; i < threadCount; i++) {
            threads.add(Thread.ofVirtual().name("load-" + i).start(() -> run(echo)));
        }
    }

    private void run(Echo echo) {
        while (!stopped) {
            int n = issued.getAndIncrement();
            if (n >= cap) {
                return;
            }
            long start = System.nanoTime();
            try {
                long answer = echo.echo(n);
                outcomes.add(new Outcome(answer == n, System.nanoTime() - start, null));
            } catch (CourierException e) {
                outcomes.add(new Outcome(false, System.nanoTime() - start, e));
            }
        }
    }

    /** Calls finished so far. */
    int done() {
        return outcomes.size();
    }

    /** Waits until {@code more} calls beyond those done now have finished. */
    void awaitMore(int more, Duration patience) {
        int target = done() + more;
        Await.until(patience, target + " calls done", () -> done() >= target || issued.get() >= cap,
                () -> done() + " done");
        if (done() < target) {
            throw new AssertionError("the cap of " + cap + " calls was reached before " + target + " were done");
        }
    }

    /** Waits until at least {@code total} calls have finished in all. */
    void awaitTotal(int total, Duration patience) {
        awaitMore(Math.max(0, total - done()), patience);
    }

    /** Stops issuing calls, waits for those in flight, and returns every call's outcome. */
    List<Outcome> finish() {
        stopped = true;
        for (Thread t : threads) {
            try {
                if (!t.join(Duration.ofSeconds(10))) {
                    throw new AssertionError(t + " still calling 10 s after the load was stopped");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + t + " to stop", e);
            }
        }
        return outcomes();
    }

    /** Stops the load if a test ended before {@link #finish()}. */
    @Override
    public void close() {
        finish();
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }
}
