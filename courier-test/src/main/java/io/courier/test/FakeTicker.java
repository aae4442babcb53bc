package io.courier.test;

import io.courier.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when told, so deadline logic can be tested without sleeping.
 * Thread-safe: any thread may read or advance it.
 *
 * <pre>{@code
 * FakeTicker ticker = FakeTicker.create();
 * Deadline d = Deadline.after(Duration.ofSeconds(1), ticker);
 * ticker.advance(Duration.ofSeconds(2));
 * assertThat(d.expired()).isTrue();
 * }</pre>
 */
public final class FakeTicker implements Ticker {
    private final AtomicLong nanos;

    private FakeTicker(long start) {
        this.nanos = new AtomicLong(start);
    }

    /** A ticker at an arbitrary, fixed origin. */
    public static FakeTicker create() {
        // Not zero: code must not assume that nanoTime() starts anywhere in particular.
        return new FakeTicker(1_000_000_000_000L);
    }

    /** A ticker that reads {@code startNanos} until advanced. */
    public static FakeTicker startingAt(long startNanos) {
        return new FakeTicker(startNanos);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /**
     * Moves time forward by {@code amount}.
     *
     * @throws IllegalArgumentException when {@code amount} is negative: monotonic time never goes back
     */
    public FakeTicker advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount: " + amount + " (expected: >= 0; a ticker never goes back)");
        }
        nanos.addAndGet(amount.toNanos());
        return this;
    }

    /** Moves time forward by {@code nanos} nanoseconds (>= 0). */
    public FakeTicker advanceNanos(long nanos) {
        return advance(Duration.ofNanos(nanos));
    }

    @Override
    public String toString() {
        return "FakeTicker[" + nanos.get() + "ns]";
    }
}
