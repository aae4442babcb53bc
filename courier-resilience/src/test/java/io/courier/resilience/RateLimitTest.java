package io.courier.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Call;
import io.courier.Principal;
import io.courier.ResourceExhaustedException;
import io.courier.Status;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The token bucket per caller, on a fake clock: bursts, refill, keys, the bound on callers. */
class RateLimitTest {
    private final FakeClock clock = FakeClock.create();
    private final Calls.FakeNext next = new Calls.FakeNext(n -> CompletableFuture.completedFuture("ok"));

    private static Call from(String address) {
        Call call = Calls.idempotent();
        return call.withContext(call.context().withRemoteAddress(address));
    }

    private static Call as(String principal, String address) {
        Call call = from(address);
        return call.withContext(call.context().withPrincipal(Principal.of(principal, Set.of())));
    }

    private boolean admitted(RateLimit limit, Call call) {
        CompletableFuture<Object> f = limit.intercept(call, next);
        if (!f.isCompletedExceptionally()) {
            return true;
        }
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ResourceExhaustedException.class);
        return false;
    }

    @Test
    void aBurstIsAdmittedThenTheRateAndTheRefusalSaysWhenToComeBack() {
        RateLimit limit = RateLimit.builder().rate(10, Duration.ofSeconds(1)).burst(3).ticker(clock).build();
        Call call = from("192.0.2.1");
        assertThat(admitted(limit, call)).isTrue();
        assertThat(admitted(limit, call)).isTrue();
        assertThat(admitted(limit, call)).isTrue();

        ResourceExhaustedException refused = (ResourceExhaustedException) limit.intercept(call, next).exceptionNow();
        assertThat(refused.status()).isEqualTo(Status.RESOURCE_EXHAUSTED);
        assertThat(refused.retrySafe()).isTrue();
        assertThat(ResourceExhaustedException.retryAfter(refused)).isEqualTo(Duration.ofMillis(100));
        assertThat(refused.details()).doesNotContainKey(ResourceExhaustedException.SERVER_OVERLOADED);
        assertThat(refused.getMessage()).contains("inventory.item").contains("10 calls per PT1S");
        assertThat(next.calls).hasSize(3); // the refused call never went on
        assertThat(limit.refusals()).isEqualTo(1);

        clock.advance(Duration.ofMillis(99));
        assertThat(admitted(limit, call)).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(admitted(limit, call)).isTrue();
        assertThat(admitted(limit, call)).isFalse();

        clock.advance(Duration.ofHours(1)); // refills to the burst, not beyond
        for (int i = 0; i < 3; i++) {
            assertThat(admitted(limit, call)).isTrue();
        }
        assertThat(admitted(limit, call)).isFalse();
    }

    @Test
    void eachCallerHasItsOwnBucketByPrincipalElseByAddress() {
        RateLimit limit = RateLimit.builder().rate(1, Duration.ofMinutes(1)).ticker(clock).build();
        assertThat(admitted(limit, from("192.0.2.1"))).isTrue();
        assertThat(admitted(limit, from("192.0.2.1"))).isFalse();
        assertThat(admitted(limit, from("192.0.2.2"))).isTrue();

        // An authenticated caller is itself, wherever it calls from, and not its address.
        assertThat(admitted(limit, as("ann", "192.0.2.1"))).isTrue();
        assertThat(admitted(limit, as("ann", "192.0.2.9"))).isFalse();
        assertThat(admitted(limit, as("bob", "192.0.2.9"))).isTrue();

        // Without either, calls share one bucket.
        assertThat(admitted(limit, Calls.idempotent())).isTrue();
        assertThat(admitted(limit, Calls.nonIdempotent())).isFalse();
    }

    @Test
    void theKeyCanBeChosen() {
        RateLimit limit = RateLimit.builder().rate(1, Duration.ofMinutes(1)).ticker(clock)
                .key(call -> call.context().metadata().get("x-tenant").orElse(null)).build();
        Call acme = Calls.idempotent().withContext(Calls.idempotent().context()
                .withMetadata(io.courier.Metadata.builder().add("x-tenant", "acme").build()));
        assertThat(admitted(limit, acme)).isTrue();
        assertThat(admitted(limit, acme)).isFalse();
        assertThat(admitted(limit, Calls.idempotent())).isTrue(); // null: the shared bucket
        assertThat(admitted(limit, Calls.idempotent())).isFalse();
    }

    @Test
    void theCallersKeptAreBoundedAndAForgottenRefilledCallerLosesNothing() {
        RateLimit limit = RateLimit.builder().rate(1, Duration.ofSeconds(1)).maxCallers(160).ticker(clock).build();
        for (int i = 0; i < 100_000; i++) {
            limit.intercept(from("10.0." + (i >> 8 & 255) + "." + (i & 255) + "/" + i), next);
        }
        assertThat(limit.trackedCallers()).isLessThanOrEqualTo(160).isGreaterThan(100);

        // A caller that was forgotten after its bucket refilled starts where it would have been.
        Call early = from("198.51.100.1");
        assertThat(admitted(limit, early)).isTrue();
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 10_000; i++) {
            limit.intercept(from("10.1." + i), next);
        }
        assertThat(admitted(limit, early)).isTrue();
        assertThat(admitted(limit, early)).isFalse();
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> RateLimit.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("rate: not set (expected: rate(calls, period))");
        assertThatThrownBy(() -> RateLimit.builder().rate(0, Duration.ofSeconds(1)))
                .hasMessage("rate: 0 (expected: >= 1)");
        assertThatThrownBy(() -> RateLimit.builder().rate(1, Duration.ZERO)).hasMessage("period: PT0S (expected: > 0)");
        assertThatThrownBy(() -> RateLimit.builder().burst(0)).hasMessage("burst: 0 (expected: >= 1)");
        assertThatThrownBy(() -> RateLimit.builder().maxCallers(0)).hasMessage("maxCallers: 0 (expected: >= 1)");
        RateLimit.Config defaults = RateLimit.builder().rate(20, Duration.ofSeconds(1)).build().config();
        assertThat(defaults.burst()).isEqualTo(20);
        assertThat(defaults.maxCallers()).isEqualTo(10_000);
    }
}
