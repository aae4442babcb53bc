package io.courier.discovery.balancer;

import io.courier.Call;
import io.courier.CourierException;
import io.courier.Status;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Power of two choices, the default load balancer: draws two different endpoints at random and
 * picks the one with the lower cost, {@code (latency EWMA + 1 ms) × (outstanding calls + 1)}.
 * Random draws spread load without the herd behaviour of always taking the best; comparing two
 * keeps a slow or overloaded endpoint from taking its full share.
 *
 * <ul>
 *   <li>The latency average follows peaks at once and falls back gradually
 *       ({@linkplain Builder#decay decay}, default 10 s), so an endpoint that was slow gets
 *       tried again after a while without being hammered meanwhile.</li>
 *   <li>An attempt that failed because the endpoint could not be reached or did not answer in
 *       time ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}) counts as a
 *       {@linkplain Builder#failurePenalty penalty} latency (default 1 s): a dead endpoint
 *       loses every draw until discovery drops it. Application errors count as their latency.</li>
 *   <li>A new endpoint starts with no latency, so it takes traffic at once.</li>
 * </ul>
 *
 * <pre>{@code
 * courier.client(Inventory.class).loadBalancer(PowerOfTwoChoices.builder().decay(Duration.ofSeconds(5)).build()).build();
 * }</pre>
 *
 * <p>Thread-safe and lock-free. The public constructor (defaults) is for
 * {@link java.util.ServiceLoader}, which makes it every client's default.
 */
public final class PowerOfTwoChoices implements LoadBalancer {
    private static final long BASE_NANOS = 1_000_000;

    private final double decayNanos;
    private final long penaltyNanos;
    private final Map<URI, Stats> stats = new ConcurrentHashMap<>();

    /** Per-endpoint statistics. */
    private static final class Stats {
        final AtomicInteger outstanding = new AtomicInteger();
        volatile double ewmaNanos;
        volatile long stampNanos = System.nanoTime();

        /** The latency average now, decayed for the time since the last sample. */
        double ewma(long now, double decayNanos) {
            double elapsed = Math.max(0, now - stampNanos);
            return ewmaNanos * Math.exp(-elapsed / decayNanos);
        }

        synchronized void sample(long latencyNanos, long now, double decayNanos) {
            double current = ewma(now, decayNanos);
            // Peak-sensitive: a slower sample replaces the average, a faster one pulls it down gradually.
            ewmaNanos = latencyNanos > current ? latencyNanos : current * 0.7 + latencyNanos * 0.3;
            stampNanos = now;
        }
    }

    /** With the defaults. */
    public PowerOfTwoChoices() {
        this(new Builder());
    }

    private PowerOfTwoChoices(Builder b) {
        this.decayNanos = b.decay.toNanos();
        this.penaltyNanos = b.failurePenalty.toNanos();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Endpoint pick(List<Endpoint> candidates, Call call) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = random.nextInt(n);
        int b = random.nextInt(n - 1);
        if (b >= a) {
            b++;
        }
        Endpoint ea = candidates.get(a);
        Endpoint eb = candidates.get(b);
        long now = System.nanoTime();
        return cost(ea, now) <= cost(eb, now) ? ea : eb;
    }

    /** The cost of sending one more call to {@code e}; lower is better. */
    double cost(Endpoint e, long now) {
        Stats s = stats.get(e.uri());
        if (s == null) {
            return BASE_NANOS;
        }
        return (s.ewma(now, decayNanos) + BASE_NANOS) * (s.outstanding.get() + 1);
    }

    @Override
    public void onStart(Endpoint endpoint) {
        stats(endpoint).outstanding.incrementAndGet();
    }

    @Override
    public void onEnd(Endpoint endpoint, long latencyNanos, Throwable failure) {
        Stats s = stats(endpoint);
        s.outstanding.updateAndGet(v -> Math.max(0, v - 1)); // not below 0 if the stats were dropped meanwhile
        boolean unreachable = failure instanceof CourierException c
                && (c.status() == Status.UNAVAILABLE || c.status() == Status.DEADLINE_EXCEEDED);
        s.sample(unreachable ? Math.max(latencyNanos, penaltyNanos) : latencyNanos, System.nanoTime(), decayNanos);
    }

    @Override
    public void onEndpoints(List<Endpoint> endpoints) {
        Set<URI> keep = endpoints.stream().map(Endpoint::uri).collect(Collectors.toSet());
        stats.keySet().retainAll(keep);
    }

    private Stats stats(Endpoint e) {
        Stats s = stats.get(e.uri());
        return s != null ? s : stats.computeIfAbsent(e.uri(), u -> new Stats());
    }

    @Override
    public String toString() {
        return "PowerOfTwoChoices";
    }

    /** Configures a {@link PowerOfTwoChoices}; not thread-safe. */
    public static final class Builder {
        private Duration decay = Duration.ofSeconds(10);
        private Duration failurePenalty = Duration.ofSeconds(1);

        private Builder() {
        }

        /** How fast a past latency is forgotten: it shrinks by e every {@code decay} (default 10 s). */
        public Builder decay(Duration decay) {
            Objects.requireNonNull(decay, "decay");
            if (decay.isNegative() || decay.isZero()) {
                throw new IllegalArgumentException("decay: " + decay + " (expected: > 0)");
            }
            this.decay = decay;
            return this;
        }

        /** The latency an unreachable endpoint's attempt counts as (default 1 s). */
        public Builder failurePenalty(Duration penalty) {
            Objects.requireNonNull(penalty, "penalty");
            if (penalty.isNegative()) {
                throw new IllegalArgumentException("failurePenalty: " + penalty + " (expected: >= 0)");
            }
            this.failurePenalty = penalty;
            return this;
        }

        /** The configured balancer. */
        public PowerOfTwoChoices build() {
            return new PowerOfTwoChoices(this);
        }
    }
}
