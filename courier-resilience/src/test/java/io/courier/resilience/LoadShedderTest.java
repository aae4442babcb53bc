package io.courier.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.ResourceExhaustedException;
import io.courier.Status;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The shedding interceptor on a fake clock: places, refusals, what a refusal says, and adaptation. */
class LoadShedderTest {
    private final FakeClock clock = FakeClock.create();
    private final Calls.FakeNext next = new Calls.FakeNext();

    @Test
    void pastTheLimitACallIsRefusedRetrySafeAndNeverRun() {
        LoadShedder shedder = LoadShedder.builder().initialLimit(2).minLimit(1).retryAfter(Duration.ofMillis(1500))
                .ticker(clock).build();
        CompletableFuture<Object> first = shedder.intercept(Calls.idempotent(), next);
        CompletableFuture<Object> second = shedder.intercept(Calls.nonIdempotent(), next);
        CompletableFuture<Object> third = shedder.intercept(Calls.nonIdempotent(), next);

        assertThat(next.calls).hasSize(2);
        ResourceExhaustedException refused = (ResourceExhaustedException) third.exceptionNow();
        assertThat(refused.status()).isEqualTo(Status.RESOURCE_EXHAUSTED);
        assertThat(refused.retrySafe()).isTrue();
        assertThat(refused.details()).containsEntry(ResourceExhaustedException.SERVER_OVERLOADED, "true")
                .containsEntry(ResourceExhaustedException.RETRY_AFTER_MILLIS, "1500");
        assertThat(refused.getMessage()).isEqualTo("server overloaded: inventory.create was not run"
                + " (2 calls in flight, limit 2); retry later or on another instance");

        next.attempts.get(0).complete("a");
        assertThat(first.join()).isEqualTo("a");
        assertThat(shedder.inFlight()).isEqualTo(1);
        next.attempts.get(1).cancel(true);
        assertThat(second).isCancelled();
        assertThat(shedder.inFlight()).isZero();
        assertThat(shedder.intercept(Calls.idempotent(), next)).isNotDone();
    }

    @Test
    void slowerAnswersLowerTheLimitAndFastOnesRaiseItAgain() {
        LoadShedder shedder = LoadShedder.builder().initialLimit(40).minLimit(1).ticker(clock).build();
        serve(shedder, 40, Duration.ofMillis(10), 10); // the idle latency
        int idle = shedder.limit();
        assertThat(idle).isGreaterThanOrEqualTo(40);

        serve(shedder, 200, Duration.ofMillis(100), 30); // ten times slower: an overload
        int overloaded = shedder.limit();
        assertThat(overloaded).isLessThan(idle / 3);

        serve(shedder, 200, Duration.ofMillis(10), 100); // as fast as idle again: it recovers
        assertThat(shedder.limit()).isGreaterThan(idle);
    }

    /** {@code windows} windows of calls, {@code offered} at once, each answered after {@code latency}. */
    private void serve(LoadShedder shedder, int offered, Duration latency, int windows) {
        for (int w = 0; w < windows; w++) {
            int before = next.attempts.size();
            for (int i = 0; i < offered; i++) {
                shedder.intercept(Calls.idempotent(), next);
            }
            int admitted = next.attempts.size() - before;
            clock.advance(latency);
            for (int i = before; i < before + admitted; i++) {
                next.attempts.get(i).complete("ok");
            }
            clock.advance(Duration.ofMillis(100));
        }
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> LoadShedder.builder().initialLimit(0)).hasMessage("initialLimit: 0 (expected: >= 1)");
        assertThatThrownBy(() -> LoadShedder.builder().minLimit(20).maxLimit(10).build())
                .hasMessage("minLimit: 20 (expected: <= maxLimit 10)");
        assertThatThrownBy(() -> LoadShedder.builder().initialLimit(5).build())
                .hasMessage("initialLimit: 5 (expected: in [10, 5000])");
        assertThatThrownBy(() -> LoadShedder.builder().tolerance(0.5)).hasMessage("tolerance: 0.5 (expected: in [1, 10])");
        assertThatThrownBy(() -> LoadShedder.builder().smoothing(0)).hasMessage("smoothing: 0.0 (expected: in (0, 1])");
        assertThatThrownBy(() -> LoadShedder.builder().window(Duration.ZERO, 1)).hasMessage("window: PT0S (expected: > 0)");
        assertThatThrownBy(() -> LoadShedder.builder().retryAfter(Duration.ofSeconds(-1)))
                .hasMessage("retryAfter: PT-1S (expected: >= 0)");
        LoadShedder.Config defaults = LoadShedder.builder().build().config();
        assertThat(defaults.initialLimit()).isEqualTo(100);
        assertThat(defaults.minLimit()).isEqualTo(10);
        assertThat(defaults.maxLimit()).isEqualTo(5_000);
        assertThat(defaults.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }
}
