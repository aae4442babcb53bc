package io.courier;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The time of one {@code Courier}: a {@link Ticker} for durations, a {@link Scheduler} for
 * timers, and the wall-clock {@link #instant()} for what people read. Everything in the
 * instance that reads time or waits for it (deadlines on both sides, transport timers, the
 * discovery views, endpoint picking) asks this clock, so a fake one (courier-test's
 * {@code FakeClock}) moves all of them at once in tests.
 *
 * <pre>{@code
 * FakeClock clock = FakeClock.create();
 * Courier courier = Courier.builder().clock(clock).build();
 * clock.advance(Duration.ofSeconds(2));   // deadlines pass, timers fire, views age
 * }</pre>
 *
 * <p>Discovery leases are the exception: a registry judges them by its own clock, so renewals
 * always run on real time.
 */
public interface Clock extends Ticker, Scheduler {
    /** Wall-clock time, for timestamps people read; never for measuring durations. */
    Instant instant();

    /** The machine's clocks: {@link System#nanoTime()}, {@link Scheduler#system()}, {@link Instant#now()}. */
    static Clock system() {
        return of(Ticker.system(), Scheduler.system());
    }

    /** A clock of {@code ticker} and {@code scheduler}, with the machine's wall clock. */
    static Clock of(Ticker ticker, Scheduler scheduler) {
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(scheduler, "scheduler");
        return new Clock() {
            @Override
            public long nanoTime() {
                return ticker.nanoTime();
            }

            @Override
            public Task schedule(Duration delay, Runnable task) {
                return scheduler.schedule(delay, task);
            }

            @Override
            public Instant instant() {
                return Instant.now();
            }
        };
    }
}
