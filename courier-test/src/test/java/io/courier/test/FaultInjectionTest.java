package io.courier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.Courier;
import io.courier.CourierException;
import io.courier.InternalException;
import io.courier.Interceptor;
import io.courier.Status;
import io.courier.UnavailableException;
import io.courier.contract.ServiceDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each fault and each condition on a fake clock, with a fake rest of the chain that counts what went on. */
class FaultInjectionTest {
    private static final ServiceDescriptor STOCK = ServiceDescriptor.of(Stock.class);
    private final FakeClock clock = FakeClock.create();
    private final AtomicInteger sent = new AtomicInteger();
    private final Interceptor.Next answering = call -> {
        sent.incrementAndGet();
        return CompletableFuture.completedFuture(7);
    };

    private static Call level() {
        return Call.of(STOCK, STOCK.method("level").orElseThrow(), new Object[] {"a"}, CallContext.empty(), null);
    }

    private static Call reserve() {
        return Call.of(STOCK, STOCK.method("reserve").orElseThrow(), new Object[] {"a"}, CallContext.empty(), null);
    }

    private FaultInjection.Builder injection() {
        return FaultInjection.builder().clock(clock);
    }

    @Test
    void latencyDelaysTheCallOnTheClockThenLetsItGoOn() {
        FaultInjection faults = injection().fault(Fault.latency(Duration.ofMillis(200))).build();

        CompletableFuture<Object> result = faults.intercept(level(), answering);

        clock.advance(Duration.ofMillis(199));
        assertThat(result).isNotDone();
        assertThat(sent).hasValue(0);
        clock.advance(Duration.ofMillis(1));
        assertThat(result).isCompletedWithValue(7);
        assertThat(sent).hasValue(1);
        assertThat(faults.injected()).isEqualTo(1);
    }

    @Test
    void anErrorFailsTheCallWithoutSendingItRetrySafeAsItsStatusSays() {
        FaultInjection faults = injection().fault(Fault.error(Status.UNAVAILABLE)).build();

        CompletableFuture<Object> result = faults.intercept(level(), answering);

        assertThat(result).isCompletedExceptionally();
        assertThat(result.exceptionNow()).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("injected fault: UNAVAILABLE for stock.level");
        assertThat(((CourierException) result.exceptionNow()).retrySafe()).isTrue();
        assertThat(sent).hasValue(0);
    }

    @Test
    void aDroppedConnectionSendsTheCallThenFailsItAsNotRetrySafe() {
        FaultInjection faults = FaultInjection.of(Fault.dropConnection());

        CompletableFuture<Object> result = faults.intercept(reserve(), answering);

        assertThat(sent).hasValue(1); // the request got there: it may have taken effect
        assertThat(result.exceptionNow()).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("connection dropped");
        assertThat(((CourierException) result.exceptionNow()).retrySafe()).isFalse();
        assertThat(((CourierException) result.exceptionNow()).status()).isEqualTo(Status.UNAVAILABLE);
    }

    @Test
    void aHangNeverAnswersUntilCancelledAndCancellingStopsAPendingDelay() {
        FaultInjection hang = FaultInjection.of(Fault.hang());
        CompletableFuture<Object> hanging = hang.intercept(level(), answering);
        clock.advance(Duration.ofHours(1));
        assertThat(hanging).isNotDone();
        hanging.cancel(true);
        assertThat(hanging).isCancelled();

        FaultInjection slow = injection().fault(Fault.latency(Duration.ofSeconds(1))).build();
        CompletableFuture<Object> delayed = slow.intercept(level(), answering);
        delayed.cancel(true);
        clock.advance(Duration.ofSeconds(2));
        assertThat(sent).hasValue(0);
        assertThat(clock.pendingTasks()).isZero();
        assertThat(sent).hasValue(0);
    }

    @Test
    void cancellingAfterTheDelayCancelsWhatWentOnBelow() {
        CompletableFuture<Object> below = new CompletableFuture<>();
        FaultInjection faults = injection().fault(Fault.latency(Duration.ofMillis(10))).build();

        CompletableFuture<Object> result = faults.intercept(level(), call -> below);
        clock.advance(Duration.ofMillis(10));
        result.cancel(true);

        assertThat(below).isCancelled();
    }

    @Test
    void aFaultForOneMethodLeavesTheOthersAlone() {
        FaultInjection faults = injection()
                .fault(Fault.error(Status.INTERNAL).forMethod(Stock.class, s -> s.reserve(null)))
                .build();

        assertThat(faults.intercept(level(), answering)).isCompletedWithValue(7);
        assertThat(faults.intercept(reserve(), answering).exceptionNow()).isInstanceOf(InternalException.class);
    }

    @Test
    void aSelectorMustCallExactlyOneRemoteMethod() {
        assertThatThrownBy(() -> Fault.hang().forMethod(Stock.class, s -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("selector: called 0 methods of io.courier.test.Stock (expected: exactly one, as in s -> s.get(0))");
    }

    @Test
    void callsAndEveryNthFollowTheCountOfMatchingCalls() {
        FaultInjection range = injection().fault(Fault.error(Status.UNAVAILABLE).calls(3, 4)).build();
        FaultInjection everyThird = injection().fault(Fault.error(Status.UNAVAILABLE).everyNth(3)).build();

        assertThat(outcomes(range, 6)).containsExactly(true, true, false, false, true, true);
        assertThat(outcomes(everyThird, 7)).containsExactly(true, true, false, true, true, false, true);
    }

    @Test
    void aTimeWindowIsMeasuredFromTheBuildOnTheClock() {
        FaultInjection faults = injection()
                .fault(Fault.error(Status.UNAVAILABLE).during(Duration.ofSeconds(2), Duration.ofSeconds(4)))
                .build();

        assertThat(outcomes(faults, 1)).containsExactly(true);
        clock.advance(Duration.ofSeconds(2));
        assertThat(outcomes(faults, 1)).containsExactly(false);
        clock.advance(Duration.ofMillis(1999));
        assertThat(outcomes(faults, 1)).containsExactly(false);
        clock.advance(Duration.ofMillis(1));
        assertThat(outcomes(faults, 1)).containsExactly(true);
    }

    @Test
    void aSwitchTurnsAFaultOnAndOff() {
        AtomicBoolean broken = new AtomicBoolean();
        FaultInjection faults = injection().fault(Fault.error(Status.UNAVAILABLE).onlyWhile(broken::get)).build();

        assertThat(outcomes(faults, 1)).containsExactly(true);
        broken.set(true);
        assertThat(outcomes(faults, 1)).containsExactly(false);
        broken.set(false);
        assertThat(outcomes(faults, 1)).containsExactly(true);
    }

    @Test
    void aRateIsDeterministicForASeedAndNearTheRateOverManyCalls() {
        Fault fault = Fault.error(Status.UNAVAILABLE).rate(0.25);
        List<Boolean> first = outcomes(injection().fault(fault).seed(42).build(), 2000);
        List<Boolean> again = outcomes(injection().fault(fault).seed(42).build(), 2000);
        List<Boolean> other = outcomes(injection().fault(fault).seed(43).build(), 2000);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        long failed = first.stream().filter(ok -> !ok).count();
        assertThat(failed).isBetween(400L, 600L);
    }

    @Test
    void randomLatenciesStayInTheirRangeAndRepeatWithTheSeed() {
        Fault jitter = Fault.latency(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(delays(jitter, 7)).isEqualTo(delays(jitter, 7)).allSatisfy(d -> assertThat(d).isBetween(100L, 200L));
    }

    @Test
    void latenciesAddUpAndTheFirstTerminalFaultWins() {
        Fault second = Fault.error(Status.INTERNAL);
        FaultInjection faults = injection()
                .fault(Fault.latency(Duration.ofMillis(30)))
                .fault(Fault.latency(Duration.ofMillis(20)))
                .fault(Fault.error(Status.UNAVAILABLE))
                .fault(second)
                .build();

        CompletableFuture<Object> result = faults.intercept(level(), answering);
        clock.advance(Duration.ofMillis(49));
        assertThat(result).isNotDone();
        clock.advance(Duration.ofMillis(1));
        assertThat(result.exceptionNow()).isInstanceOf(UnavailableException.class);
        assertThat(faults.injected()).isEqualTo(3);
        assertThat(faults.injected(second)).isZero();
    }

    @Test
    void onARealClientTheCallerSeesTheInjectedError() {
        try (Courier courier = Courier.builder().name("faults").build()) {
            courier.serve(Stock.class, new Stock() {
                @Override
                public int level(String sku) {
                    return 3;
                }

                @Override
                public String reserve(String sku) {
                    return "r-1";
                }
            });
            FaultInjection faults = FaultInjection.of(Fault.error(Status.UNAVAILABLE).calls(1, 1));
            Stock stock = courier.client(Stock.class).target(courier.uris().getFirst()).interceptor(faults).build();

            assertThatThrownBy(() -> stock.level("a")).isInstanceOf(UnavailableException.class);
            assertThat(stock.level("a")).isEqualTo(3);
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> Fault.hang().rate(1.5)).hasMessage("rate: 1.5 (expected: in [0, 1])");
        assertThatThrownBy(() -> Fault.hang().calls(0, 3)).hasMessage("first: 0 (expected: >= 1)");
        assertThatThrownBy(() -> Fault.hang().everyNth(0)).hasMessage("everyNth: 0 (expected: >= 1)");
        assertThatThrownBy(() -> Fault.latency(Duration.ofMillis(5), Duration.ofMillis(1)))
                .hasMessage("max: PT0.001S (expected: >= min PT0.005S)");
        assertThatThrownBy(() -> Fault.error(Status.OK)).hasMessage("status: OK (expected: an error status)");
    }

    /** Whether each of {@code n} calls went through (true) or got a fault (false). */
    private List<Boolean> outcomes(FaultInjection faults, int n) {
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(!faults.intercept(level(), answering).isCompletedExceptionally());
        }
        return out;
    }

    /** The delays, in ms, a seeded injection of {@code fault} gives ten calls. */
    private static List<Long> delays(Fault fault, long seed) {
        FakeClock clock = FakeClock.create();
        FaultInjection faults = FaultInjection.builder().fault(fault).seed(seed).clock(clock).build();
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Object> result = faults.intercept(level(), call -> CompletableFuture.completedFuture(1));
            long waited = 0;
            while (!result.isDone()) {
                clock.advance(Duration.ofMillis(1));
                waited++;
            }
            out.add(waited);
        }
        return out;
    }
}
