package io.courier.resilience;

import static io.courier.resilience.Calls.failed;
import static io.courier.resilience.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Call;
import io.courier.Courier;
import io.courier.Interceptor;
import io.courier.UnavailableException;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Per-method overrides of {@link Retry}, {@link Hedge} and {@link Bulkhead}: the method's override, else the client's. */
class MethodOverrideTest {
    private final FakeClock clock = FakeClock.create();
    private final RetryBudget budget = RetryBudget.builder().ticker(clock).build();

    private Retry.Builder retry(int attempts) {
        return Retry.builder().scheduler(clock).executor(Runnable::run).ticker(clock).maxAttempts(attempts)
                .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(10)).budget(budget);
    }

    private Hedge.Builder hedge(Duration delay) {
        return Hedge.builder().scheduler(clock).executor(Runnable::run).delay(delay).budget(budget);
    }

    /** A failure that may have taken effect: retried only for idempotent calls. */
    private static CompletableFuture<Object> unavailable() {
        return failed(new UnavailableException("down", Map.of(), false, null));
    }

    private static Call count() {
        return Calls.call("count", 1L);
    }

    /** Runs {@code call} through {@code policy} against a rest of the chain that always fails; the attempts made. */
    private int attemptsOfAFailingCall(Interceptor policy, Call call) {
        Calls.FakeNext next = new Calls.FakeNext(n -> unavailable());
        CompletableFuture<Object> f = policy.intercept(call, next);
        clock.advance(Duration.ofMillis(100)); // every backoff is 10 ms at most
        assertThat(f).isCompletedExceptionally();
        return next.count();
    }

    @Test
    void aMethodWithItsOwnAttemptsWhileOthersUseTheClientRetry() {
        Retry r = retry(2).method(Inventory.class, s -> s.count(0), retry(4).build()).build();

        assertThat(attemptsOfAFailingCall(r, count())).as("count: its override").isEqualTo(4);
        assertThat(attemptsOfAFailingCall(r, Calls.idempotent())).as("item: the client's retry").isEqualTo(2);
    }

    @Test
    void aMethodWithNoRetryIsSentOnceEvenOnARetrySafeError() {
        Retry r = retry(3).method(Inventory.class, s -> s.item(0), Retry.none()).build();
        Calls.FakeNext refused = new Calls.FakeNext(n -> failed(new UnavailableException("refused")));

        CompletableFuture<Object> f = r.intercept(Calls.idempotent(), refused);
        clock.advance(Duration.ofSeconds(1));

        assertThat(f).isCompletedExceptionally();
        assertThat(refused.count()).isEqualTo(1);
        assertThat(attemptsOfAFailingCall(r, count())).as("other methods still retry").isEqualTo(3);
    }

    @Test
    void anOverrideCanRetryWhatTheClientRetryWouldNot() {
        Retry r = retry(3).method(Inventory.class, s -> s.create(""),
                retry(2).idempotency(call -> true).build()).build();

        assertThat(attemptsOfAFailingCall(r, Calls.nonIdempotent())).isEqualTo(2);
        assertThat(attemptsOfAFailingCall(r, Calls.call("touch", 1L))).as("touch: not idempotent").isEqualTo(1);
    }

    @Test
    void overridesSpendFromTheClientBudget() {
        RetryBudget own = RetryBudget.builder().ticker(clock).build();
        RetryBudget tight = RetryBudget.builder().ticker(clock).ratio(0).minRetriesPerSecond(1)
                .window(Duration.ofSeconds(1)).build(); // one retry in all
        Retry r = retry(3).budget(tight).method(Inventory.class, s -> s.count(0), retry(3).budget(own).build()).build();

        assertThat(attemptsOfAFailingCall(r, Calls.idempotent())).as("takes the one retry").isEqualTo(2);
        assertThat(attemptsOfAFailingCall(r, count())).as("none left for the override").isEqualTo(1);
        assertThat(tight.requests()).isEqualTo(2);
        assertThat(tight.retries()).isEqualTo(1);
        assertThat(own.requests()).as("the override's own budget is not used").isZero();
    }

    @Test
    void toBuilderKeepsTheOverridesAndMovesThemToANewBudget() {
        Retry r = retry(2).method(Inventory.class, s -> s.count(0), retry(4).build()).build();
        RetryBudget other = RetryBudget.builder().ticker(clock).build();

        Retry variant = r.toBuilder().budget(other).build();

        assertThat(attemptsOfAFailingCall(variant, count())).isEqualTo(4);
        assertThat(other.retries()).isEqualTo(3);
        assertThat(budget.retries()).isZero();
    }

    @Test
    void oneMethodIsHedgedWhileOthersAreNot() {
        Hedge h = Hedge.builder().off().budget(budget)
                .method(Inventory.class, s -> s.item(0), hedge(Duration.ofMillis(50)).build()).build();
        Calls.FakeNext items = new Calls.FakeNext();
        Calls.FakeNext counts = new Calls.FakeNext();

        CompletableFuture<Object> item = h.intercept(Calls.idempotent(), items);
        CompletableFuture<Object> count = h.intercept(count(), counts);
        clock.advance(Duration.ofSeconds(1));

        assertThat(items.count()).as("item: hedged after 50 ms").isEqualTo(2);
        assertThat(counts.count()).as("count: no hedge").isEqualTo(1);
        items.attempt(2).complete("hedge");
        counts.attempt(1).complete(7);
        assertThat(item).isCompletedWithValue("hedge");
        assertThat(count).isCompletedWithValue(7);
        assertThat(budget.retries()).isEqualTo(1);
    }

    @Test
    void aMethodHedgesAfterItsOwnDelayOrNotAtAll() {
        Hedge h = hedge(Duration.ofMillis(50))
                .method(Inventory.class, s -> s.count(0), hedge(Duration.ofMillis(200)).build())
                .method(Inventory.class, s -> s.itemAsync(0), Hedge.none())
                .build();
        Calls.FakeNext items = new Calls.FakeNext();
        Calls.FakeNext counts = new Calls.FakeNext();
        Calls.FakeNext asyncs = new Calls.FakeNext();
        h.intercept(Calls.idempotent(), items);
        h.intercept(count(), counts);
        h.intercept(Calls.call("itemAsync", 1L), asyncs);

        clock.advance(Duration.ofMillis(199));
        assertThat(items.count()).as("item: the client's 50 ms").isEqualTo(2);
        assertThat(counts.count()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(counts.count()).as("count: its own 200 ms").isEqualTo(2);
        clock.advance(Duration.ofSeconds(1));
        assertThat(asyncs.count()).as("itemAsync: never hedged").isEqualTo(1);
    }

    @Test
    void aMethodWithItsOwnLimitCountsAgainstItOnly() {
        Bulkhead b = Bulkhead.builder("inventory").maxConcurrentCalls(1).ticker(clock)
                .method(Inventory.class, s -> s.count(0),
                        Bulkhead.builder("inventory-count").maxConcurrentCalls(2).ticker(clock).build())
                .build();
        Calls.FakeNext next = new Calls.FakeNext();

        CompletableFuture<Object> item = b.intercept(Calls.idempotent(), next);
        CompletableFuture<Object> secondItem = b.intercept(Calls.idempotent(), next);
        CompletableFuture<Object> count = b.intercept(count(), next);
        CompletableFuture<Object> secondCount = b.intercept(count(), next);
        CompletableFuture<Object> thirdCount = b.intercept(count(), next);

        assertThat(item).isNotDone();
        assertThat(secondItem.exceptionNow()).isInstanceOf(BulkheadFullException.class)
                .hasMessageStartingWith("bulkhead inventory: 1 calls in flight (limit 1)");
        assertThat(count).isNotDone();
        assertThat(secondCount).as("count's own places, not the client's").isNotDone();
        assertThat(thirdCount.exceptionNow()).hasMessageStartingWith("bulkhead inventory-count: 2 calls in flight");
        assertThat(b.inFlight()).isEqualTo(1);

        next.attempt(2).complete(3);
        assertThat(b.intercept(count(), next)).isNotDone();
        assertThat(b.toBuilder().build().intercept(count(), next)).as("a new bulkhead starts empty").isNotDone();
    }

    @Test
    void resilienceMovesHedgeOverridesOntoTheRetryBudget() {
        RetryBudget own = RetryBudget.builder().ticker(clock).build();
        Hedge h = Hedge.builder().off().scheduler(clock).executor(Runnable::run).budget(own)
                .method(Inventory.class, s -> s.item(0), Hedge.builder().scheduler(clock).executor(Runnable::run).delay(Duration.ofMillis(50))
                        .budget(own).build())
                .build();
        Retry r = retry(1).build();
        Resilience resilience = Resilience.builder().scheduler(clock).retry(r).hedge(h).build();
        Calls.FakeNext items = new Calls.FakeNext();

        CompletableFuture<Object> f = resilience.intercept(Calls.idempotent(), items);
        clock.advance(Duration.ofMillis(50));
        items.attempt(2).complete("hedge");

        assertThat(f).isCompletedWithValue("hedge");
        assertThat(budget.requests()).isEqualTo(1);
        assertThat(budget.retries()).as("the hedge spent from the retry's budget").isEqualTo(1);
        assertThat(own.retries()).isZero();
    }

    @Test
    void applyToHonoursRetryOverridesOnARealClient() {
        AtomicInteger items = new AtomicInteger();
        AtomicInteger counts = new AtomicInteger();
        try (Courier courier = Courier.builder().name("overrides").build()) {
            courier.serve(Inventory.class, new Unavailable(items, counts));
            Retry fast = Retry.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(1)).build();
            Resilience resilience = Resilience.builder()
                    .retry(fast.toBuilder().method(Inventory.class, s -> s.count(0),
                            fast.toBuilder().maxAttempts(4).build()).build())
                    .build();
            Inventory client = resilience.applyTo(courier.client(Inventory.class).target(courier.uri())).build();

            assertThatThrownBy(() -> client.item(1)).isInstanceOf(UnavailableException.class);
            assertThatThrownBy(() -> client.count(1)).isInstanceOf(UnavailableException.class);
        }
        assertThat(items).hasValue(2);
        assertThat(counts).hasValue(4);
    }

    @Test
    void refusesASelectorThatCallsNoMethodAndAnOverrideWithOverrides() {
        Retry nested = retry(2).method(Inventory.class, s -> s.count(0), Retry.none()).build();

        assertThatThrownBy(() -> Retry.builder().method(Inventory.class, s -> { }, Retry.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("selector: called 0 methods of io.courier.resilience.Inventory");
        assertThatThrownBy(() -> Retry.builder().method(Inventory.class, s -> s.item(0), nested))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("(expected: no method overrides of its own)");
        assertThatThrownBy(() -> Hedge.builder().method(Inventory.class, s -> {
            s.item(0);
            s.count(0);
        }, Hedge.none())).hasMessageStartingWith("selector: called 2 methods");
    }

    /** Every idempotent method fails as an unavailable service would, counting its calls. */
    private record Unavailable(AtomicInteger items, AtomicInteger counts) implements Inventory {
        @Override
        public String item(long id) {
            items.incrementAndGet();
            throw new UnavailableException("down");
        }

        @Override
        public int count(long id) {
            counts.incrementAndGet();
            throw new UnavailableException("down");
        }

        @Override
        public CompletableFuture<String> itemAsync(long id) {
            return CompletableFuture.failedFuture(new UnavailableException("down"));
        }

        @Override
        public String create(String name) {
            return name;
        }

        @Override
        public void touch(long id) {
        }
    }
}
