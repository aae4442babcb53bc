package io.courier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Deadline;
import io.courier.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FakeClockTest {
    @Test
    void standsStillUntilAdvanced() {
        FakeClock clock = FakeClock.startingAt(500);

        assertThat(clock.nanoTime()).isEqualTo(500);
        clock.advance(Duration.ofMillis(2)).advance(Duration.ofNanos(3));
        assertThat(clock.nanoTime()).isEqualTo(500 + 2_000_000 + 3);
    }

    @Test
    void drivesDeadlines() {
        FakeClock clock = FakeClock.create();
        Deadline deadline = Deadline.after(Duration.ofSeconds(1), clock);

        clock.advance(Duration.ofMillis(999));
        assertThat(deadline.expired()).isFalse();
        assertThat(deadline.remaining()).isEqualTo(Duration.ofMillis(1));
        clock.advance(Duration.ofMillis(1));
        assertThat(deadline.expired()).isTrue();
    }

    @Test
    void refusesToGoBack() {
        FakeClock clock = FakeClock.create();

        assertThatThrownBy(() -> clock.advance(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("amount: PT-0.000000001S (expected: >= 0; time never goes back)");
    }

    @Test
    void runsDueTasksInOrderAtTheirOwnTime() {
        FakeClock clock = FakeClock.startingAt(0);
        List<String> ran = new ArrayList<>();
        clock.schedule(Duration.ofNanos(200), () -> ran.add("b@" + clock.nanoTime()));
        clock.schedule(Duration.ofNanos(100), () -> ran.add("a@" + clock.nanoTime()));
        clock.schedule(Duration.ofNanos(200), () -> ran.add("b2@" + clock.nanoTime()));
        Scheduler.Task cancelled = clock.schedule(Duration.ofNanos(150), () -> ran.add("never"));
        clock.schedule(Duration.ofNanos(1_000), () -> ran.add("late"));
        cancelled.cancel();

        clock.advance(Duration.ofNanos(500));

        assertThat(ran).containsExactly("a@100", "b@200", "b2@200");
        assertThat(clock.nanoTime()).isEqualTo(500);
        assertThat(clock.pendingTasks()).isEqualTo(1);
    }

    @Test
    void aTaskMayScheduleAnotherThatFallsDueInTheSameAdvance() {
        FakeClock clock = FakeClock.startingAt(0);
        List<Long> ran = new ArrayList<>();
        clock.schedule(Duration.ofNanos(10), () -> clock.schedule(Duration.ofNanos(10), () -> ran.add(clock.nanoTime())));
        clock.schedule(Duration.ofNanos(10), () -> clock.schedule(Duration.ofNanos(100), () -> ran.add(-1L)));

        clock.advance(Duration.ofNanos(25));

        assertThat(ran).containsExactly(20L);
        assertThat(clock.pendingTasks()).as("the task due at 110").isEqualTo(1);
    }

    @Test
    void aTaskWithNoDelayRunsOnTheNextAdvanceWithoutMovingTime() {
        FakeClock clock = FakeClock.startingAt(7);
        AtomicInteger ran = new AtomicInteger();
        clock.schedule(Duration.ZERO, ran::incrementAndGet);
        clock.schedule(Duration.ofSeconds(-1), ran::incrementAndGet);
        assertThat(ran).hasValue(0);

        clock.runDue();

        assertThat(ran).hasValue(2);
        assertThat(clock.nanoTime()).isEqualTo(7);
    }

    @Test
    void aDelayTooLongToCountNeverComes() {
        FakeClock clock = FakeClock.create();
        AtomicInteger ran = new AtomicInteger();
        clock.schedule(Duration.ofSeconds(Long.MAX_VALUE), ran::incrementAndGet);

        clock.advance(Duration.ofDays(365 * 100));

        assertThat(ran).hasValue(0);
        assertThat(clock.pendingTasks()).isEqualTo(1);
    }

    @Test
    void theWallClockMovesWithIt() {
        FakeClock clock = FakeClock.create();
        Instant before = clock.wallClock().instant();

        clock.advance(Duration.ofMillis(1500));

        assertThat(clock.wallClock().instant()).isEqualTo(before.plusMillis(1500));
    }

    @Test
    void advancesFromManyThreadsAddUpAndRunEveryTaskOnce() throws Exception {
        FakeClock clock = FakeClock.startingAt(0);
        List<Long> ranAt = new CopyOnWriteArrayList<>();
        List<Long> backwards = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                long last = 0;
                for (int j = 0; j < 2_000; j++) {
                    clock.schedule(Duration.ofNanos(3), () -> ranAt.add(clock.nanoTime()));
                    clock.advance(Duration.ofNanos(1));
                    long t = clock.nanoTime();
                    if (t < last) {
                        backwards.add(t);
                    }
                    last = t;
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        clock.advance(Duration.ofNanos(3)); // the last tasks scheduled fall due

        assertThat(clock.nanoTime()).isEqualTo(16_000 + 3);
        assertThat(backwards).isEmpty();
        assertThat(ranAt).hasSize(16_000).isSorted();
        assertThat(clock.pendingTasks()).isZero();
    }
}
