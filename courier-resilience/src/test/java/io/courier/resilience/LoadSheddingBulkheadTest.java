package io.courier.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.ResourceExhaustedException;
import io.courier.Status;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A bulkhead shedding a server's load, on a fake clock: places, refusals, what a refusal says,
 * and adaptation with either algorithm.
 */
class LoadSheddingBulkheadTest {
    private final FakeClock clock = FakeClock.create();
    private final Calls.FakeNext next = new Calls.FakeNext();

    @Test
    void pastTheLimitACallIsRefusedRetrySafeAndNeverRun() {
        Bulkhead shedder = Bulkhead.loadShedder()
                .adaptive(GradientLimit.builder().initialLimit(2).minLimit(1).build())
                .shedLoad(Duration.ofMillis(1500)).ticker(clock).build();
        CompletableFuture<Object> first = shedder.intercept(Calls.idempotent(), next);
        CompletableFuture<Object> second = shedder.intercept(Calls.nonIdempotent(), next);
        CompletableFuture<Object> third = shedder.intercept(Calls.nonIdempotent(), next);

        assertThat(next.calls).hasSize(2);
        ResourceExhaustedException refused = (ResourceExhaustedException) third.exceptionNow();
        assertThat(refused.status()).isEqualTo(Status.RESOURCE_EXHAUSTED);
        assertThat(refused.retrySafe()).isTrue();
        assertThat(refused.details()).containsEntry(ResourceExhaustedException.SERVER_OVERLOADED, "true")
                .containsEntry(ResourceExhaustedException.RETRY_AFTER_MILLIS, "1500");
        assertThat(refused).isNotInstanceOf(BulkheadFullException.class);
        assertThat(refused.getMessage()).isEqualTo("server overloaded: inventory.create was not run"
                + " (2 calls in flight, limit 2); retry later or on another instance");
        assertThat(shedder.rejections()).isEqualTo(1);

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
        Bulkhead shedder = Bulkhead.loadShedder()
                .adaptive(GradientLimit.builder().initialLimit(40).minLimit(1).build()).ticker(clock).build();
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
    private void serve(Bulkhead shedder, int offered, Duration latency, int windows) {
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
    void anAimdLimitShedsLoadToo() {
        Bulkhead shedder = Bulkhead.builder("server").ticker(clock).shedLoad(Duration.ofSeconds(2))
                .adaptive(AimdLimit.builder().initialLimit(10).latencyThreshold(Duration.ofMillis(50)).build()).build();
        serve(shedder, 20, Duration.ofMillis(200), 5); // every call past the threshold: an overload
        assertThat(shedder.limit()).isLessThan(10);
        assertThat(shedder.rejections()).isPositive();
        ResourceExhaustedException refused = refuse(shedder);
        assertThat(refused.details()).containsEntry(ResourceExhaustedException.SERVER_OVERLOADED, "true")
                .containsEntry(ResourceExhaustedException.RETRY_AFTER_MILLIS, "2000");
    }

    /** Fills {@code shedder} and returns the refusal of the next call. */
    private ResourceExhaustedException refuse(Bulkhead shedder) {
        while (true) {
            CompletableFuture<Object> f = shedder.intercept(Calls.idempotent(), next);
            if (f.isCompletedExceptionally()) {
                return (ResourceExhaustedException) f.exceptionNow();
            }
        }
    }

    @Test
    void aClientsBulkheadRefusesWithoutAskingToWait() {
        Bulkhead client = Bulkhead.builder("stock").maxConcurrentCalls(1).ticker(clock).build();
        ResourceExhaustedException refused = refuse(client);
        assertThat(refused).isInstanceOf(BulkheadFullException.class);
        assertThat(refused.details()).doesNotContainKeys(ResourceExhaustedException.SERVER_OVERLOADED,
                ResourceExhaustedException.RETRY_AFTER_MILLIS);
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> GradientLimit.builder().initialLimit(0)).hasMessage("initialLimit: 0 (expected: >= 1)");
        assertThatThrownBy(() -> GradientLimit.builder().minLimit(20).maxLimit(10).build())
                .hasMessage("minLimit: 20 (expected: <= maxLimit 10)");
        assertThatThrownBy(() -> GradientLimit.builder().initialLimit(5).build())
                .hasMessage("initialLimit: 5 (expected: in [10, 5000])");
        assertThatThrownBy(() -> GradientLimit.builder().tolerance(0.5)).hasMessage("tolerance: 0.5 (expected: in [1, 10])");
        assertThatThrownBy(() -> GradientLimit.builder().smoothing(0)).hasMessage("smoothing: 0.0 (expected: in (0, 1])");
        assertThatThrownBy(() -> GradientLimit.builder().window(Duration.ZERO, 1)).hasMessage("window: PT0S (expected: > 0)");
        assertThatThrownBy(() -> Bulkhead.loadShedder().shedLoad(Duration.ofSeconds(-1)))
                .hasMessage("retryAfter: PT-1S (expected: >= 0)");
        Bulkhead.Config defaults = Bulkhead.loadShedder().build().config();
        assertThat(defaults.name()).isEqualTo("server");
        assertThat(defaults.adaptive()).contains(new GradientLimit(100, 10, 5_000, 2, 0.2, Duration.ofMillis(100), 10));
        assertThat(defaults.shedLoad()).contains(Duration.ofSeconds(1));
        assertThat(Bulkhead.builder("stock").build().config().shedLoad()).isEmpty();
        assertThat(Bulkhead.loadShedder().build().config().toBuilder().build().config()).isEqualTo(defaults);
    }
}
