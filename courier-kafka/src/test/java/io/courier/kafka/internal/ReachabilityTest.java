package io.courier.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The readiness check of Kafka's reachability: run off the caller's thread, its answer kept for
 * its maximum age (a fake clock), then the old answer given while a new check runs; the first
 * caller waits a bounded time for a check that does not answer.
 */
class ReachabilityTest {
    @Test
    void theAnswerIsKeptThenRenewedOffTheCallersThread() throws Exception {
        FakeClock clock = FakeClock.create();
        AtomicInteger checks = new AtomicInteger();
        AtomicReference<Optional<String>> answer = new AtomicReference<>(Optional.empty());
        AtomicReference<Thread> checkedOn = new AtomicReference<>();
        try (var executor = Executors.newSingleThreadExecutor()) {
            Reachability r = new Reachability(() -> {
                checks.incrementAndGet();
                checkedOn.set(Thread.currentThread());
                return answer.get();
            }, executor, clock::nanoTime, Duration.ofSeconds(5), Duration.ofSeconds(30));

            assertThat(r.notReady()).as("the first caller waits for the first check").isEmpty();
            assertThat(checkedOn.get()).isNotSameAs(Thread.currentThread());
            answer.set(Optional.of("down"));
            clock.advance(Duration.ofSeconds(4));
            assertThat(r.notReady()).as("kept for 5 s").isEmpty();
            assertThat(checks).hasValue(1);

            clock.advance(Duration.ofSeconds(1));
            assertThat(r.notReady()).as("the old answer while the new check runs").isEmpty();
            io.courier.test.Await.until(Duration.ofSeconds(20), "the new check's answer",
                    () -> r.notReady().equals(Optional.of("down")));
            assertThat(checks).hasValue(2);
        }
    }

    @Test
    void theFirstCallerWaitsABoundedTimeForACheckThatDoesNotAnswer() {
        Reachability r = new Reachability(Optional::empty, task -> { }, System::nanoTime, Duration.ofSeconds(5),
                Duration.ofMillis(20));
        assertThat(r.notReady()).contains("no answer from Kafka yet");
    }
}
