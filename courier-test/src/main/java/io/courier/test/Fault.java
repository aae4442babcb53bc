package io.courier.test;

import io.courier.Call;
import io.courier.CourierException;
import io.courier.Status;
import io.courier.contract.ServiceDescriptor;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One fault for {@link FaultInjection} to inject: what goes wrong (extra latency, an error, a
 * hang, a dropped connection), for which calls (every call, one contract method, or any
 * predicate) and when (always, with a probability, on the n-th to m-th matching calls, every
 * n-th, during a time window, or while a switch is on). Immutable: each {@code withX}-style
 * method returns a variant, so one fault can be shared between injections.
 *
 * <pre>{@code
 * Fault slowLevels = Fault.latency(Duration.ofMillis(300)).forMethod(Inventory.class, s -> s.level(0L)).rate(0.1);
 * Fault outage = Fault.error(Status.UNAVAILABLE).during(Duration.ofSeconds(2), Duration.ofSeconds(4));
 * Fault flaky = Fault.dropConnection().everyNth(5);
 * }</pre>
 *
 * <p>Conditions combine: a fault fires when the call matches, the switch is on, the clock is in
 * the window, the call's number among the matching calls is in range and a multiple of
 * {@code everyNth}, and then the seeded draw falls below the rate.
 */
public final class Fault {
    /** What a fault does. */
    public enum Kind {
        /** Waits, then lets the call go on (other faults may still apply). */
        LATENCY,
        /** Fails the call without sending it on. */
        ERROR,
        /** Never answers; only cancellation (the caller's deadline) ends the call. */
        HANG,
        /**
         * Sends the call on, then fails it with an {@link io.courier.UnavailableException} that is
         * not retry-safe, whatever the answer: the request may have taken effect, as when a
         * connection drops after the request was written.
         */
        DROP_CONNECTION
    }

    private final Kind kind;
    private final Duration minLatency;
    private final Duration maxLatency;
    private final Function<Call, ? extends CourierException> error;
    private final Predicate<Call> which;
    private final String whichText;
    private final double rate;
    private final long firstCall;
    private final long lastCall;
    private final long everyNth;
    private final Duration from;
    private final Duration until;
    private final BooleanSupplier enabled;

    private Fault(Kind kind, Duration minLatency, Duration maxLatency, Function<Call, ? extends CourierException> error,
                  Predicate<Call> which, String whichText, double rate, long firstCall, long lastCall, long everyNth,
                  Duration from, Duration until, BooleanSupplier enabled) {
        this.kind = kind;
        this.minLatency = minLatency;
        this.maxLatency = maxLatency;
        this.error = error;
        this.which = which;
        this.whichText = whichText;
        this.rate = rate;
        this.firstCall = firstCall;
        this.lastCall = lastCall;
        this.everyNth = everyNth;
        this.from = from;
        this.until = until;
        this.enabled = enabled;
    }

    private static Fault of(Kind kind, Duration min, Duration max, Function<Call, ? extends CourierException> error) {
        return new Fault(kind, min, max, error, call -> true, "every call", 1.0, 1, Long.MAX_VALUE, 1, null, null,
                () -> true);
    }

    /** Delays matching calls by {@code delay} before they go on. */
    public static Fault latency(Duration delay) {
        return latency(delay, delay);
    }

    /** Delays matching calls by a seeded random time between {@code min} and {@code max}. */
    public static Fault latency(Duration min, Duration max) {
        nonNegative("min", min);
        nonNegative("max", max);
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= min " + min + ")");
        }
        return of(Kind.LATENCY, min, max, null);
    }

    /**
     * Fails matching calls with the error of {@code status} (as a client receives it from the wire,
     * retry-safe as the status suggests), without sending them on.
     */
    public static Fault error(Status status) {
        Objects.requireNonNull(status, "status");
        if (status == Status.OK) {
            throw new IllegalArgumentException("status: OK (expected: an error status)");
        }
        return error(call -> CourierException.of(status, "injected fault: " + status + " for "
                + call.method().fullName(), Map.of(), CourierException.defaultRetrySafe(status)));
    }

    /** Fails matching calls with the error {@code error} makes for the call (a new one each time). */
    public static Fault error(Function<Call, ? extends CourierException> error) {
        return of(Kind.ERROR, Duration.ZERO, Duration.ZERO, Objects.requireNonNull(error, "error"));
    }

    /** Never answers matching calls; they end only when cancelled, by their deadline for example. */
    public static Fault hang() {
        return of(Kind.HANG, Duration.ZERO, Duration.ZERO, null);
    }

    /**
     * Sends matching calls on but fails them with an {@link io.courier.UnavailableException} that is
     * not retry-safe, as a connection lost after the request was written: the call may have taken
     * effect, so only idempotent calls may be retried.
     */
    public static Fault dropConnection() {
        return of(Kind.DROP_CONNECTION, Duration.ZERO, Duration.ZERO, null);
    }

    /** Only for calls of the contract method {@code selector} calls, as in {@code s -> s.level(0L)}. */
    public <T> Fault forMethod(Class<T> contract, Consumer<? super T> selector) {
        Method method = ServiceDescriptor.select(contract, selector).method();
        return new Fault(kind, minLatency, maxLatency, error, call -> call.method().method().equals(method),
                contract.getSimpleName() + "." + method.getName(), rate, firstCall, lastCall, everyNth, from, until,
                enabled);
    }

    /** Only for calls {@code which} accepts. */
    public Fault forCalls(Predicate<Call> which) {
        return new Fault(kind, minLatency, maxLatency, error, Objects.requireNonNull(which, "which"), "selected calls",
                rate, firstCall, lastCall, everyNth, from, until, enabled);
    }

    /** Fires with probability {@code probability} (drawn from the injection's seeded random), default 1. */
    public Fault rate(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("rate: " + probability + " (expected: in [0, 1])");
        }
        return new Fault(kind, minLatency, maxLatency, error, which, whichText, probability, firstCall, lastCall,
                everyNth, from, until, enabled);
    }

    /** Fires only on the {@code first}-th to {@code last}-th matching calls (1 is the first), inclusive. */
    public Fault calls(long first, long last) {
        if (first < 1) {
            throw new IllegalArgumentException("first: " + first + " (expected: >= 1)");
        }
        if (last < first) {
            throw new IllegalArgumentException("last: " + last + " (expected: >= first " + first + ")");
        }
        return new Fault(kind, minLatency, maxLatency, error, which, whichText, rate, first, last, everyNth, from,
                until, enabled);
    }

    /** Fires only on every {@code n}-th matching call (the n-th, the 2n-th...). */
    public Fault everyNth(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("everyNth: " + n + " (expected: >= 1)");
        }
        return new Fault(kind, minLatency, maxLatency, error, which, whichText, rate, firstCall, lastCall, n, from,
                until, enabled);
    }

    /** Fires only from {@code from} until {@code until} after the injection was built, on its ticker. */
    public Fault during(Duration from, Duration until) {
        nonNegative("from", from);
        nonNegative("until", until);
        if (until.compareTo(from) <= 0) {
            throw new IllegalArgumentException("until: " + until + " (expected: > from " + from + ")");
        }
        return new Fault(kind, minLatency, maxLatency, error, which, whichText, rate, firstCall, lastCall, everyNth,
                from, until, enabled);
    }

    /** Fires only while {@code on} says so: a switch the test flips, such as an {@code AtomicBoolean::get}. */
    public Fault onlyWhile(BooleanSupplier on) {
        return new Fault(kind, minLatency, maxLatency, error, which, whichText, rate, firstCall, lastCall, everyNth,
                from, until, Objects.requireNonNull(on, "on"));
    }

    /** What this fault does. */
    public Kind kind() {
        return kind;
    }

    boolean matches(Call call) {
        return which.test(call);
    }

    /** Whether the conditions other than the draw hold for the {@code n}-th matching call at {@code elapsed}. */
    boolean armed(long n, long elapsedNanos) {
        if (!enabled.getAsBoolean() || n < firstCall || n > lastCall || n % everyNth != 0) {
            return false;
        }
        return from == null || (elapsedNanos >= from.toNanos() && elapsedNanos < until.toNanos());
    }

    double rate() {
        return rate;
    }

    long latencyNanos(double draw) {
        long min = minLatency.toNanos();
        return min + (long) (draw * (maxLatency.toNanos() - min));
    }

    boolean randomLatency() {
        return !minLatency.equals(maxLatency);
    }

    CourierException errorFor(Call call) {
        return error.apply(call);
    }

    private static void nonNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Fault[").append(kind);
        if (kind == Kind.LATENCY) {
            s.append(' ').append(minLatency).append(randomLatency() ? ".." + maxLatency : "");
        }
        s.append(" on ").append(whichText);
        if (rate < 1) {
            s.append(", rate ").append(rate);
        }
        if (firstCall > 1 || lastCall < Long.MAX_VALUE) {
            s.append(", calls ").append(firstCall).append("..").append(lastCall == Long.MAX_VALUE ? "" : lastCall);
        }
        if (everyNth > 1) {
            s.append(", every ").append(everyNth);
        }
        if (from != null) {
            s.append(", during ").append(from).append("..").append(until);
        }
        return s.append(']').toString();
    }
}
