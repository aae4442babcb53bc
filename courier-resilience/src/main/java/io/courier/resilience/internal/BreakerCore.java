package io.courier.resilience.internal;

import io.courier.Ticker;
import io.courier.resilience.CircuitBreaker;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The state machine behind a {@link CircuitBreaker}: the current state in an atomic reference,
 * changed only by compare-and-set from the state that decided the change, so of two racing
 * decisions exactly one wins and exactly one event is published.
 */
public final class BreakerCore {
    final String name;
    final Ticker ticker;
    final TripRule rule;
    final long waitInOpenNanos;
    private final int trialCalls;
    private final Supplier<SlidingWindow> windows;
    private final Consumer<CircuitBreaker.Transition> publisher;
    private final AtomicReference<BreakerState> current;

    public BreakerCore(String name, Ticker ticker, TripRule rule, long waitInOpenNanos, int trialCalls,
                       Supplier<SlidingWindow> windows, Consumer<CircuitBreaker.Transition> publisher) {
        this.name = name;
        this.ticker = ticker;
        this.rule = rule;
        this.waitInOpenNanos = waitInOpenNanos;
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
    public void force(CircuitBreaker.State to, long nowNanos) {
        BreakerState from = current.get();
        while (!transition(from, to, nowNanos)) {
            from = current.get();
        }
    }

    BreakerState current() {
        return current.get();
    }

    /** Replaces {@code from} by a fresh {@code to} state, if {@code from} is still current. */
    boolean transition(BreakerState from, CircuitBreaker.State to, long nowNanos) {
        BreakerState next = switch (to) {
            case CLOSED -> new ClosedState(this, windows.get());
            case OPEN -> new OpenState(this, nowNanos);
            case HALF_OPEN -> new HalfOpenState(this, trialCalls);
        };
        if (!current.compareAndSet(from, next)) {
            return false;
        }
        publisher.accept(new CircuitBreaker.Transition(name, from.state(), to, nowNanos));
        return true;
    }
}
