package io.courier.resilience.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The gradient limit on a fake time line: windows of calls with chosen latencies and chosen
 * concurrency, and where the limit goes.
 */
class GradientLimiterTest {
    private static final long MS = 1_000_000;
    private long now;

    private GradientLimiter limiter(int initial, int min, int max) {
        return new GradientLimiter(initial, min, max, 2.0, 0.2, 100 * MS, 10, now);
    }

    /**
     * One window of 100 ms: as many of {@code concurrent} calls in flight as the limit lets in,
     * each that ends making room for the next, twenty calls of {@code latencyMs} ending in all.
     */
    private void window(GradientLimiter limiter, int concurrent, long latencyMs) {
        int held = 0;
        while (held < concurrent && limiter.tryAcquire()) {
            held++;
        }
        for (int i = 0; i < 20 && held > 0; i++) {
            now += 5 * MS;
            limiter.release(latencyMs * MS, false, false, now);
            if (!limiter.tryAcquire()) {
                held--;
            }
        }
        for (; held > 0; held--) {
            limiter.release(0, false, true, now); // still running at the window's end: not measured
        }
    }

    @Test
    void aSteadyLatencyUnderFullUseRaisesTheLimit() {
        GradientLimiter limiter = limiter(20, 1, 1000);
        for (int w = 0; w < 60; w++) {
            window(limiter, 40, 10);
        }
        assertThat(limiter.limit()).isGreaterThan(40);
        assertThat(limiter.baselineNanos()).isEqualTo(10.0 * MS);
    }

    @Test
    void risingLatencyShrinksTheLimitTowardsWhatIsAnsweredInTime() {
        GradientLimiter limiter = limiter(100, 1, 1000);
        for (int w = 0; w < 5; w++) {
            window(limiter, 100, 10);
        }
        int before = limiter.limit();
        assertThat(before).isGreaterThanOrEqualTo(100);
        for (int w = 0; w < 30; w++) {
            window(limiter, 1000, 80); // eight times the idle latency
        }
        assertThat(limiter.limit()).isLessThan(before / 4);
        // Within tolerance (twice the idle latency) it no longer shrinks.
        int low = limiter.limit();
        for (int w = 0; w < 5; w++) {
            window(limiter, 1000, 15);
        }
        assertThat(limiter.limit()).isGreaterThanOrEqualTo(low);
    }

    @Test
    void aLightLoadDoesNotGrowALimitItNeverUses() {
        GradientLimiter limiter = limiter(50, 1, 1000);
        for (int w = 0; w < 50; w++) {
            window(limiter, 3, 10);
        }
        assertThat(limiter.limit()).isEqualTo(50);
    }

    @Test
    void theLimitStaysWithinItsBounds() {
        GradientLimiter limiter = limiter(20, 15, 30);
        for (int w = 0; w < 50; w++) {
            window(limiter, 100, 10);
        }
        assertThat(limiter.limit()).isEqualTo(30);
        for (int w = 0; w < 50; w++) {
            window(limiter, 100, 500);
        }
        assertThat(limiter.limit()).isEqualTo(15);
    }

    @Test
    void aWindowClosesOnlyAfterItsTimeAndItsCalls() {
        GradientLimiter limiter = limiter(20, 1, 1000);
        window(limiter, 20, 10); // the baseline: 10 ms
        int limit = limiter.limit();
        for (int i = 0; i < 10; i++) { // ten slow calls within 40 ms: too short a window
            assertThat(limiter.tryAcquire()).isTrue();
            now += 4 * MS;
            limiter.release(500 * MS, false, false, now);
        }
        assertThat(limiter.limit()).isEqualTo(limit);
        GradientLimiter other = limiter(20, 1, 1000);
        window(other, 20, 10);
        for (int i = 0; i < 9; i++) { // nine slow calls over a second: too few
            assertThat(other.tryAcquire()).isTrue();
            now += 100 * MS;
            other.release(500 * MS, false, false, now);
        }
        assertThat(other.limit()).isEqualTo(limit);
        assertThat(other.tryAcquire()).isTrue();
        other.release(500 * MS, false, false, now); // the tenth closes it
        assertThat(other.limit()).isLessThan(limit);
    }

    @Test
    void cancelledCallsSayNothing() {
        GradientLimiter limiter = limiter(20, 1, 1000);
        window(limiter, 20, 10); // the baseline: 10 ms
        int limit = limiter.limit();
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.tryAcquire()).isTrue();
            now += MS;
            limiter.release(Duration.ofSeconds(5).toNanos(), false, true, now);
        }
        assertThat(limiter.limit()).isEqualTo(limit);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void placesAreCountedAndRefusedAtTheLimit() {
        GradientLimiter limiter = limiter(3, 1, 10);
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.inFlight()).isEqualTo(3);
        limiter.release(MS, false, false, now);
        assertThat(limiter.tryAcquire()).isTrue();
    }
}
