package io.courier.test;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.Scheduler;
import io.courier.Ticker;
import io.courier.UnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link Interceptor} that makes calls fail the way networks and services do, for users'
 * tests of their own resilience: latency, errors by rate or by schedule, hangs, and dropped
 * connections, each a {@link Fault} configurable per contract method. Install it on a client
 * (faults between the caller and the network) or on a serving {@code Courier} (a misbehaving
 * instance):
 *
 * <pre>{@code
 * FakeClock clock = FakeClock.create();
 * FaultInjection faults = FaultInjection.builder()
 *     .fault(Fault.latency(Duration.ofMillis(250)).forMethod(Inventory.class, s -> s.level(0L)))
 *     .fault(Fault.error(Status.UNAVAILABLE).rate(0.2))
 *     .seed(42).clock(clock)
 *     .build();
 * Inventory inventory = courier.client(Inventory.class).target(uri).interceptor(faults).build();
 * }</pre>
 *
 * <p>For each call the faults are tried in the order added. Each latency fault that fires adds
 * its delay; the first error, hang or dropped connection that fires is what the call gets, after
 * the delays, and the faults after it are not consulted. Delays wait on the
 * {@link Scheduler} (a {@code FakeClock} in tests, so nothing sleeps). Rates and random
 * latencies draw from one {@link Random} seeded with {@linkplain Builder#seed the seed}: the
 * same calls in the same order get the same faults on every run. Cancelling a call cancels its
 * pending delay and whatever went on below.
 *
 * <p>Thread-safe.
 */
public final class FaultInjection implements Interceptor {
    private final List<Fault> faults;
    private final AtomicLong[] matched;
    private final AtomicLong[] injected;
    private final Random random;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final long startNanos;

    private FaultInjection(Builder b) {
        this.faults = List.copyOf(b.faults);
        this.matched = new AtomicLong[faults.size()];
        this.injected = new AtomicLong[faults.size()];
        for (int i = 0; i < faults.size(); i++) {
            matched[i] = new AtomicLong();
            injected[i] = new AtomicLong();
        }
        this.random = new Random(b.seed);
        this.scheduler = b.scheduler;
        this.ticker = b.ticker;
        this.startNanos = ticker.nanoTime();
    }

    /** A builder with no faults, seed 0, the system scheduler and ticker. */
    public static Builder builder() {
        return new Builder();
    }

    /** An injection of {@code faults} with the defaults. */
    public static FaultInjection of(Fault... faults) {
        Builder b = builder();
        for (Fault f : faults) {
            b.fault(f);
        }
        return b.build();
    }

    /** The faults, in the order they are tried. */
    public List<Fault> faults() {
        return faults;
    }

    /** How many times a fault was injected so far, all faults together. */
    public long injected() {
        long sum = 0;
        for (AtomicLong n : injected) {
            sum += n.get();
        }
        return sum;
    }

    /** How many times {@code fault} (this very instance, as added) was injected so far. */
    public long injected(Fault fault) {
        long sum = 0;
        for (int i = 0; i < faults.size(); i++) {
            if (faults.get(i) == fault) {
                sum += injected[i].get();
            }
        }
        return sum;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        long delayNanos = 0;
        Fault outcome = null;
        long elapsed = ticker.nanoTime() - startNanos;
        for (int i = 0; i < faults.size() && outcome == null; i++) {
            Fault f = faults.get(i);
            if (!f.matches(call) || !f.armed(matched[i].incrementAndGet(), elapsed)) {
                continue;
            }
            if (f.rate() < 1 && random.nextDouble() >= f.rate()) {
                continue;
            }
            injected[i].incrementAndGet();
            if (f.kind() == Fault.Kind.LATENCY) {
                delayNanos += f.latencyNanos(f.randomLatency() ? random.nextDouble() : 0);
            } else {
                outcome = f;
            }
        }
        if (delayNanos <= 0) {
            return apply(outcome, call, next);
        }
        Fault then = outcome;
        CompletableFuture<Object> result = new CompletableFuture<>();
        AtomicReference<CompletableFuture<Object>> below = new AtomicReference<>();
        Scheduler.Task timer = scheduler.schedule(Duration.ofNanos(delayNanos), () -> {
            if (result.isDone()) {
                return;
            }
            CompletableFuture<Object> inner = apply(then, call, next);
            below.set(inner);
            if (result.isDone()) {
                inner.cancel(true); // cancelled while the call was being sent on
            }
            inner.whenComplete((v, f) -> relay(result, v, f));
        });
        result.whenComplete((v, f) -> {
            if (result.isCancelled()) {
                timer.cancel();
                CompletableFuture<Object> inner = below.get();
                if (inner != null) {
                    inner.cancel(true);
                }
            }
        });
        return result;
    }

    private static CompletableFuture<Object> apply(Fault fault, Call call, Next next) {
        if (fault == null) {
            return proceed(call, next);
        }
        return switch (fault.kind()) {
            case ERROR -> CompletableFuture.failedFuture(fault.errorFor(call));
            case HANG -> new CompletableFuture<>();
            case DROP_CONNECTION -> dropped(call, next);
            case LATENCY -> throw new AssertionError("latency is not an outcome");
        };
    }

    private static CompletableFuture<Object> dropped(Call call, Next next) {
        CompletableFuture<Object> inner = proceed(call, next);
        CompletableFuture<Object> out = new CompletableFuture<>();
        inner.whenComplete((v, f) -> out.completeExceptionally(new UnavailableException(
                "injected fault: connection dropped after sending " + call.method().fullName()
                        + (call.target() == null ? "" : " to " + call.target()) + " (the call may have taken effect)",
                Map.of(), false, null)));
        out.whenComplete((v, f) -> {
            if (out.isCancelled()) {
                inner.cancel(true);
            }
        });
        return out;
    }

    private static CompletableFuture<Object> proceed(Call call, Next next) {
        try {
            return next.proceed(call);
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void relay(CompletableFuture<Object> to, Object value, Throwable failure) {
        if (failure == null) {
            to.complete(value);
        } else {
            to.completeExceptionally(failure instanceof java.util.concurrent.CompletionException c
                    && c.getCause() != null ? c.getCause() : failure);
        }
    }

    @Override
    public String toString() {
        return "FaultInjection" + faults;
    }

    /** Configures a {@link FaultInjection}. Not thread-safe. */
    public static final class Builder {
        private final List<Fault> faults = new ArrayList<>();
        private long seed;
        private Scheduler scheduler = Scheduler.system();
        private Ticker ticker = Ticker.system();

        private Builder() {
        }

        /** Adds a fault, tried after those added before. */
        public Builder fault(Fault fault) {
            faults.add(Objects.requireNonNull(fault, "fault"));
            return this;
        }

        /** The seed of the draws for rates and random latencies (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where delays wait. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The time {@link Fault#during} windows are measured on. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** A fake clock as both the scheduler and the ticker. */
        public Builder clock(FakeClock clock) {
            Objects.requireNonNull(clock, "clock");
            this.scheduler = clock;
            this.ticker = clock;
            return this;
        }

        /** The injection; its time windows start now. */
        public FaultInjection build() {
            return new FaultInjection(this);
        }
    }
}
