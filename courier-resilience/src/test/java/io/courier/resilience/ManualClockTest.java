package io.courier.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {
    @Test
    void runsDueTasksInOrderAtTheirOwnTime() {
        ManualClock clock = new ManualClock();
        List<String> ran = new ArrayList<>();
        clock.schedule(() -> ran.add("b@" + clock.nanoTime()), 200);
        clock.schedule(() -> ran.add("a@" + clock.nanoTime()), 100);
        Scheduler.Task cancelled = clock.schedule(() -> ran.add("never"), 150);
        clock.schedule(() -> ran.add("late"), 1_000);
        cancelled.cancel();

        clock.advance(Duration.ofNanos(500));

        assertThat(ran).containsExactly("a@100", "b@200");
        assertThat(clock.nanoTime()).isEqualTo(500);
        assertThat(clock.pendingTasks()).isEqualTo(1);
    }

    @Test
    void aTaskMayScheduleAnotherThatFallsDueInTheSameAdvance() {
        ManualClock clock = new ManualClock();
        List<Long> ran = new ArrayList<>();
        clock.schedule(() -> clock.schedule(() -> ran.add(clock.nanoTime()), 10), 10);

        clock.advance(Duration.ofNanos(25));

        assertThat(ran).containsExactly(20L);
    }
}
