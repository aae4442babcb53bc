package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.ResourceExhaustedException;
import io.courier.UnavailableException;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BulkheadTest {
    private final FakeClock clock = FakeClock.create();

    private static CompletableFuture<Object> hold(Bulkhead b, CompletableFuture<Object> answer) {
        return b.intercept(Calls.idempotent(), call -> answer);
    }

    @Test
    void aFixedLimitRefusesCallsBeyondItWithARetrySafeError() {
        Bulkhead b = Bulkhead.builder("stock").maxConcurrentCalls(2).ticker(clock).build();
        CompletableFuture<Object> first = new CompletableFuture<>();
        hold(b, first);
        hold(b, new CompletableFuture<>());
        Calls.FakeNext next = new Calls.FakeNext();

        CompletableFuture<Object> third = b.intercept(Calls.idempotent(), next);

        assertThat(next.count()).isZero();
        assertThat(third.exceptionNow()).isInstanceOf(BulkheadFullException.class)
                .isInstanceOf(ResourceExhaustedException.class)
                .hasMessage("bulkhead stock: 2 calls in flight (limit 2) calling inventory.item");
        assertThat(((BulkheadFullException) third.exceptionNow()).retrySafe()).isTrue();

        first.complete("done");
        assertThat(b.inFlight()).isEqualTo(1);
        hold(b, new CompletableFuture<>());
        assertThat(b.inFlight()).isEqualTo(2);
    }

    @Test
    void failedAndCancelledCallsGiveTheirPlaceBack() {
        Bulkhead b = Bulkhead.builder("stock").maxConcurrentCalls(1).build();
        hold(b, new CompletableFuture<>()).cancel(true);
        assertThat(b.inFlight()).isZero();
        hold(b, failed(new UnavailableException("down")));
        assertThat(b.inFlight()).isZero();
        b.intercept(Calls.idempotent(), call -> {
            throw new IllegalStateException("a broken interceptor below");
        });
        assertThat(b.inFlight()).isZero();
    }

    private Bulkhead adaptive(int initial) {
        return Bulkhead.builder("stock").ticker(clock).adaptive(AimdLimit.builder().initialLimit(initial)
                .minLimit(2).maxLimit(10).backoffRatio(0.5).latencyThreshold(Duration.ofMillis(100)).build()).build();
    }

    @Test
    void theAdaptiveLimitGrowsWhileItIsUsedAndCallsAreFast() {
        Bulkhead b = adaptive(4);
        Deque<CompletableFuture<Object>> inFlight = new ArrayDeque<>();
        for (int i = 0; i < 50; i++) {
            while (b.inFlight() < b.limit()) {
                CompletableFuture<Object> f = new CompletableFuture<>();
                hold(b, f);
                inFlight.add(f);
            }
            clock.advance(Duration.ofMillis(1));
            inFlight.poll().complete("fast");
        }
        assertThat(b.limit()).isEqualTo(10);
    }

    @Test
    void theAdaptiveLimitDoesNotGrowWhenLittleOfItIsUsed() {
        Bulkhead b = adaptive(4);
        for (int i = 0; i < 50; i++) {
            hold(b, Calls.ok("one at a time"));
        }
        assertThat(b.limit()).isEqualTo(4);
    }

    @Test
    void theAdaptiveLimitShrinksOnOverloadAndSlowness() {
        Bulkhead b = adaptive(8);
        hold(b, failed(new ResourceExhaustedException("server overloaded")));
        assertThat(b.limit()).isEqualTo(4);

        CompletableFuture<Object> slow = new CompletableFuture<>();
        hold(b, slow);
        clock.advance(Duration.ofMillis(150));
        slow.complete("slow");
        assertThat(b.limit()).as("halved again, but not below the minimum").isEqualTo(2);

        hold(b, failed(new UnavailableException("down")));
        assertThat(b.limit()).isEqualTo(2);
    }

    @Test
    void cancelledCallsDoNotMoveTheAdaptiveLimit() {
        Bulkhead b = adaptive(8);
        for (int i = 0; i < 8; i++) {
            hold(b, new CompletableFuture<>()).cancel(true);
        }
        assertThat(b.limit()).isEqualTo(8);
        assertThat(b.inFlight()).isZero();
    }

    @Test
    void invalidSettingsAreRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> Bulkhead.builder("b").maxConcurrentCalls(0))
                .hasMessage("maxConcurrentCalls: 0 (expected: >= 1)");
        assertThatThrownBy(() -> AimdLimit.builder().minLimit(5).maxLimit(4).build())
                .hasMessage("minLimit: 5 (expected: <= maxLimit 4)");
        assertThatThrownBy(() -> AimdLimit.builder().backoffRatio(1)).hasMessage("backoffRatio: 1.0 (expected: in [0.5, 1))");
        assertThat(adaptive(4).toBuilder().build().limit()).isEqualTo(4);
    }
}
