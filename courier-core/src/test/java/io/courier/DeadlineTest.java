package io.courier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    /** Time that moves only when the test says (courier-test's FakeClock depends on this module). */
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final Ticker ticker = now::get;

    @Test
    void expiresExactlyWhenItsTimeHasCome() {
        Deadline d = Deadline.after(Duration.ofMillis(300), ticker);
        assertThat(d.remaining()).isEqualTo(Duration.ofMillis(300));
        assertThat(d.expired()).isFalse();

        advance(Duration.ofMillis(299));
        assertThat(d.remainingNanos()).isEqualTo(1_000_000);
        assertThat(d.expired()).isFalse();

        advance(Duration.ofMillis(1));
        assertThat(d.remainingNanos()).isZero();
        assertThat(d.expired()).isTrue();

        advance(Duration.ofMillis(50));
        assertThat(d.remaining()).isEqualTo(Duration.ofMillis(-50));
        assertThat(d.toString()).isEqualTo("Deadline[expired 50ms ago]");
    }

    @Test
    void zeroAndNegativeTimeoutsAreAlreadyExpired() {
        assertThat(Deadline.after(Duration.ZERO, ticker).expired()).isTrue();
        assertThat(Deadline.after(Duration.ofSeconds(-1), ticker).expired()).isTrue();
    }

    @Test
    void minAndCompareToPickTheEarlier() {
        Deadline soon = Deadline.after(Duration.ofSeconds(1), ticker);
        Deadline later = Deadline.after(Duration.ofSeconds(2), ticker);

        assertThat(soon.compareTo(later)).isNegative();
        assertThat(later.compareTo(soon)).isPositive();
        assertThat(soon.compareTo(Deadline.after(Duration.ofSeconds(1), ticker))).isZero();
        assertThat(soon.min(later)).isSameAs(soon);
        assertThat(later.min(soon)).isSameAs(soon);
        assertThat(soon.min(null)).isSameAs(soon);
    }

    @Test
    void hugeTimeoutsNeverExpireAndDoNotOverflow() {
        Deadline never = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE), ticker);
        Deadline soon = Deadline.after(Duration.ofSeconds(1), ticker);

        advance(Duration.ofDays(365 * 100));
        assertThat(never.expired()).isFalse();
        assertThat(never.remaining()).isPositive();
        assertThat(soon.min(never)).isSameAs(soon);
        assertThat(Deadline.after(Duration.ofSeconds(Long.MIN_VALUE), ticker).expired()).isTrue();
    }

    @Test
    void worksWhereTheTickerWrapsAround() {
        // System.nanoTime() has an arbitrary origin: it may be close to Long.MAX_VALUE and wrap.
        now.set(Long.MAX_VALUE - 10);
        Deadline d = Deadline.after(Duration.ofSeconds(1), ticker);
        Deadline earlier = Deadline.after(Duration.ofMillis(500), ticker);

        assertThat(d.remaining()).isEqualTo(Duration.ofSeconds(1));
        advance(Duration.ofMillis(999));
        assertThat(d.expired()).isFalse();
        assertThat(d.remaining()).isEqualTo(Duration.ofMillis(1));
        assertThat(earlier.compareTo(d)).isNegative();
        advance(Duration.ofMillis(1));
        assertThat(d.expired()).isTrue();
    }

    @Test
    void extremeTimeoutsStillCompare() {
        Deadline latest = Deadline.after(Duration.ofNanos(Long.MAX_VALUE), ticker);
        Deadline earliest = Deadline.after(Duration.ofNanos(Long.MIN_VALUE), ticker);

        assertThat(earliest.compareTo(latest)).isNegative();
        assertThat(latest.compareTo(earliest)).isPositive();
        assertThat(latest.min(earliest)).isSameAs(earliest);
        assertThat(latest.expired()).isFalse();
        assertThat(earliest.expired()).isTrue();
    }

    @Test
    void readsTimeFromItsTicker() {
        assertThat(Deadline.after(Duration.ofSeconds(1), ticker).ticker()).isSameAs(ticker);
        assertThat(Deadline.after(Duration.ofSeconds(1)).remaining()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(Deadline.after(Duration.ofSeconds(3), ticker).toString()).isEqualTo("Deadline[3000ms left]");
    }

    @Test
    void rejectsNulls() {
        assertThatThrownBy(() -> Deadline.after(null, ticker)).isInstanceOf(NullPointerException.class).hasMessage("timeout");
        assertThatThrownBy(() -> Deadline.after(Duration.ZERO, null)).isInstanceOf(NullPointerException.class).hasMessage("ticker");
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
