package io.courier.resilience.internal;

import io.courier.Ticker;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The state machine behind a {@code CircuitBreaker}: the current state in an atomic reference,
 * changed only by compare-and-set from the state that decided the change, so of two racing
 * decisions exactly one wins and exactly one event is published.
 */
public final class BreakerCore {
    final String name;
    final Ticker ticker;
    final TripRule rule;
    private final long waitInOpenNanos;
    private final long maxWaitInOpenNanos;
    private final int trialCalls;
    private final Supplier<SlidingWindow> windows;
    private final PhaseChange publisher;
    private final AtomicReference<BreakerState> current;
    /** Opens since the breaker was last closed, minus one: the exponent of the next wait's doubling. */
    private final AtomicInteger reopenings = new AtomicInteger();

    public BreakerCore(String name, Ticker ticker, TripRule rule, long waitInOpenNanos, long maxWaitInOpenNanos,
                       int trialCalls, Supplier<SlidingWindow> windows, PhaseChange publisher) {
        this.name = name;
        this.ticker = ticker;
        this.rule = rule;
        this.waitInOpenNanos = waitInOpenNanos;
        this.maxWaitInOpenNanos = maxWaitInOpenNanos;
        this.trialCalls = trialCalls;
        this.windows = windows;
        this.publisher = publisher;
        this.current = new AtomicReference<>(new ClosedState(this, windows.get()));
    }

    /** The state that admitted a call now, or null if the call is rejected. */
    public BreakerState tryAcquire(long nowNanos) {
        BreakerState s = current.get().settle(nowNanos);
        return s.tryAcquire(nowNanos) ? s : null;
    }

    /** Whether a call made now would be let through (closed, or half-open with a trial left). */
    public boolean wouldAdmit(long nowNanos) {
        return current.get().settle(nowNanos).wouldAdmit();
    }

    /** The state in force now. */
    public BreakerState state(long nowNanos) {
        return current.get().settle(nowNanos);
    }

    /** How long calls will still be rejected, zero unless open. */
    public long openRemainingNanos(long nowNanos) {
        return current.get() instanceof OpenState o ? o.remainingNanos(nowNanos) : 0;
    }

    /** {calls, failures, slow calls} of the state in force. */
    public int[] counts(long nowNanos) {
        return state(nowNanos).counts(nowNanos);
    }

    /** Moves to {@code to} at {@code now}, whatever the state; for operators. */
    public void force(Phase to, long nowNanos) {
        BreakerState from = current.get();
        while (!transition(from, to, nowNanos)) {
            from = current.get();
        }
    }

    BreakerState current() {
        return current.get();
    }

    /** How long the current open lasts in all (backed off), zero unless open. */
    public long openWaitNanos() {
        return current.get() instanceof OpenState o ? o.waitNanos : 0;
    }

    /**
     * The wait of an open that comes after {@code reopened} others without a close in between:
     * the first wait doubled that many times, capped. An endpoint still sick at its trial is
     * looked at less and less often, and never less often than the cap.
     */
    long waitFor(int reopened) {
        long wait = Math.min(waitInOpenNanos, maxWaitInOpenNanos);
        for (int i = 0; i < reopened && wait < maxWaitInOpenNanos; i++) {
            wait = wait > maxWaitInOpenNanos / 2 ? maxWaitInOpenNanos : wait * 2;
        }
        return wait;
    }

    /** Replaces {@code from} by a fresh {@code to} state, if {@code from} is still current. */
    boolean transition(BreakerState from, Phase to, long nowNanos) {
        BreakerState next = switch (to) {
            case CLOSED -> new ClosedState(this, windows.get());
            // Opened from closed: the first wait. Opened again from half-open (a trial failed):
            // the wait doubles. Of racing transitions only the compare-and-set's winner counts.
            case OPEN -> new OpenState(this, nowNanos,
                    waitFor(from.state() == Phase.HALF_OPEN ? reopenings.get() + 1 : 0));
            case HALF_OPEN -> new HalfOpenState(this, trialCalls);
        };
        if (!current.compareAndSet(from, next)) {
            return false;
        }
        if (to == Phase.OPEN) {
            if (from.state() == Phase.HALF_OPEN) {
                reopenings.incrementAndGet();
            } else {
                reopenings.set(0);
            }
        }
        publisher.changed(from.state(), to, nowNanos);
        return true;
    }
}
