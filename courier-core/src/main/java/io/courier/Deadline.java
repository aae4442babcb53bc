package io.courier;

import java.time.Duration;
import java.util.Objects;

/**
 * The point in time by which a call must complete, on a {@link Ticker}. Immutable.
 *
 * <p>One deadline covers a whole logical call, every attempt included, and travels with it: to
 * the server (the {@code courier-timeout} header, {@code grpc-timeout}, a message header) and
 * from there into the calls the server makes while handling it, so each hop sees only what is
 * left.
 *
 * <pre>{@code
 * Deadline d = Deadline.after(Duration.ofMillis(300));
 * if (d.expired()) ...
 * Duration left = d.remaining();
 * }</pre>
 */
public final class Deadline implements Comparable<Deadline> {
    private final Ticker ticker;
    private final long deadlineNanos;

    private Deadline(Ticker ticker, long deadlineNanos) {
        this.ticker = ticker;
        this.deadlineNanos = deadlineNanos;
    }

    /** A deadline {@code timeout} from now on the system ticker. */
    public static Deadline after(Duration timeout) {
        return after(timeout, Ticker.system());
    }

    /** A deadline {@code timeout} from now on {@code ticker}. */
    public static Deadline after(Duration timeout, Ticker ticker) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(ticker, "ticker");
        long nanos = saturatedNanos(timeout);
        // May wrap around: nanoTime() has an arbitrary origin, so only differences are compared,
        // and saturatedNanos keeps them within range.
        return new Deadline(ticker, ticker.nanoTime() + nanos);
    }

    /** Time left; zero or negative once expired. */
    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /** Nanoseconds left; zero or negative once expired. */
    public long remainingNanos() {
        return deadlineNanos - ticker.nanoTime();
    }

    /** Whether the deadline has passed. */
    public boolean expired() {
        return remainingNanos() <= 0;
    }

    /**
     * Runs {@code action} on {@code scheduler} when this deadline passes (at once if it has), unless
     * the returned task is cancelled first. This is how Courier enforces every deadline: the
     * client's deadline step, the server's dispatch, gRPC streams and message handlers each say
     * here what expiry does (fail the call, cancel the work, interrupt the handler).
     */
    public Scheduler.Task runOnExpiration(Runnable action, Scheduler scheduler) {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(scheduler, "scheduler");
        return scheduler.schedule(Duration.ofNanos(Math.max(0, remainingNanos())), action);
    }

    /** The earlier of this deadline and {@code other} ({@code other} may be null). */
    public Deadline min(Deadline other) {
        return other == null || compareTo(other) <= 0 ? this : other;
    }

    /** The ticker this deadline reads time from. */
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public int compareTo(Deadline other) {
        return Long.compare(deadlineNanos - other.deadlineNanos, 0);
    }

    @Override
    public String toString() {
        long ms = remainingNanos() / 1_000_000;
        return ms > 0 ? "Deadline[" + ms + "ms left]" : "Deadline[expired " + (-ms) + "ms ago]";
    }

    private static long saturatedNanos(Duration d) {
        try {
            // Within +-2^62 (146 years), so that differences between two deadlines never overflow.
            return Math.clamp(d.toNanos(), Long.MIN_VALUE / 2, Long.MAX_VALUE / 2);
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }
}
