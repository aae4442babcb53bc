package io.courier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link Deadline#runOnExpiration}: the one way every part of Courier acts when a deadline passes. */
class DeadlineExpiryTest {
    /** A ticker and scheduler that record the delays asked of them. */
    private static final class RecordingScheduler implements Scheduler, Ticker {
        final AtomicLong now = new AtomicLong();
        final List<Duration> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now.get();
        }

        @Override
        public Task schedule(Duration delay, Runnable task) {
            delays.add(delay);
            tasks.add(task);
            return () -> tasks.remove(task);
        }
    }

    @Test
    void runsTheActionWhenTheDeadlinePassesOnTheGivenScheduler() {
        RecordingScheduler time = new RecordingScheduler();
        Deadline deadline = Deadline.after(Duration.ofMillis(300), time);
        time.now.addAndGet(Duration.ofMillis(100).toNanos());
        List<String> ran = new ArrayList<>();

        deadline.runOnExpiration(() -> ran.add("expired"), time);

        assertThat(time.delays).containsExactly(Duration.ofMillis(200));
        time.tasks.forEach(Runnable::run);
        assertThat(ran).containsExactly("expired");
    }

    @Test
    void aPassedDeadlineRunsAtOnceAndACancelledOneNever() {
        RecordingScheduler time = new RecordingScheduler();
        Deadline.after(Duration.ofMillis(-5), time).runOnExpiration(() -> { }, time);
        assertThat(time.delays).containsExactly(Duration.ZERO);

        Scheduler.Task task = Deadline.after(Duration.ofMillis(50), time).runOnExpiration(() -> { }, time);
        task.cancel();
        assertThat(time.tasks).hasSize(1).as("only the first, passed one is left");
    }
}
