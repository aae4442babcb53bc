package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static io.courier.resilience.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.Scheduler;
import io.courier.UnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The timer only says when: a retry's next attempt and a hedge run the chain below them on a
 * thread of their own, never on the timer thread that every deadline and backoff shares, where
 * one slow interceptor would delay them all.
 */
class AttemptThreadTest {
    private final ScheduledThreadPoolExecutor timerThread = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().daemon().name("the-timer").factory());
    private final Scheduler timer = Scheduler.of(timerThread);
    private final List<Thread> attemptThreads = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timerThread.shutdownNow();
    }

    /** A chain below the step that records its thread, fails the first attempt and then answers. */
    private Interceptor.Next recording(CompletableFuture<Object> second) {
        return call -> {
            attemptThreads.add(Thread.currentThread());
            return attemptThreads.size() == 1 ? firstAttempt() : second;
        };
    }

    private CompletableFuture<Object> firstAttempt;

    private CompletableFuture<Object> firstAttempt() {
        return firstAttempt;
    }

    @Test
    void aRetryRunsTheNextAttemptOnAVirtualThreadNotOnTheTimer() throws Exception {
        firstAttempt = failed(new UnavailableException("down"));
        Retry retry = Retry.builder().scheduler(timer).initialBackoff(Duration.ofMillis(5))
                .maxBackoff(Duration.ofMillis(5)).random(() -> -1L).build(); // always the full 5 ms

        Object answer = retry.intercept(Calls.idempotent(), recording(ok("second"))).get(10, TimeUnit.SECONDS);

        assertThat(answer).isEqualTo("second");
        assertThat(attemptThreads).hasSize(2);
        Thread second = attemptThreads.get(1);
        assertThat(second.getName()).isNotEqualTo("the-timer").startsWith("courier-attempt-");
        assertThat(second.isVirtual()).isTrue();
    }

    @Test
    void aHedgeRunsOnAVirtualThreadNotOnTheTimer() throws Exception {
        firstAttempt = new CompletableFuture<>(); // slow: the hedge is sent after the delay
        Hedge hedge = Hedge.builder().scheduler(timer).delay(Duration.ofMillis(5)).build();
        Call call = Calls.idempotent();

        Object answer = hedge.intercept(call, recording(ok("hedge"))).get(10, TimeUnit.SECONDS);

        assertThat(answer).isEqualTo("hedge");
        assertThat(attemptThreads).hasSize(2);
        Thread second = attemptThreads.get(1);
        assertThat(second.getName()).isNotEqualTo("the-timer").startsWith("courier-attempt-");
        assertThat(second.isVirtual()).isTrue();
    }
}
