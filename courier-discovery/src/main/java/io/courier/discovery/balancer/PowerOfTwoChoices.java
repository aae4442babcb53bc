package io.courier.discovery.balancer;

import io.courier.Call;
import io.courier.CourierException;
import io.courier.Status;
import io.courier.Ticker;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import io.courier.internal.Checks;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Power of two choices, the default load balancer: draws two different endpoints at random and
 * picks the one with the lower cost, {@code (latency EWMA + 1 ms) × (outstanding calls + 1)}.
 * Random draws spread load without the herd behaviour of always taking the best; comparing two
 * keeps a slow or overloaded endpoint from taking its full share; calls in flight count as load.
 *
 * <ul>
 *   <li>The latency average moves a quarter of the way up to a slower answer and half of the
 *       way down to a faster one, so that one hiccup (a pause on a busy machine) does not shut
 *       an endpoint off. Between answers a high average fades on time towards the mean of the
 *       other endpoints (that answer), its distance shrinking by e every
 *       {@linkplain Builder#decay decay} (default 10 s): an endpoint that was slow once is not
 *       judged by that sample forever.</li>
 *   <li>An endpoint that no attempt went to for {@linkplain Builder#probeAfter probeAfter}
 *       (default 1 s) is picked when drawn, one attempt at a time: a probe that measures it
 *       again, so an endpoint the draws avoid gets traffic back as soon as it is fast.</li>
 *   <li>A new endpoint, or one whose statistics were dropped (a recovered one), starts at the
 *       mean of the others; answers to attempts that started before its first answer (a cold
 *       client connecting, a server warming up) may lower its average but not raise it.</li>
 *   <li>An attempt that failed because the endpoint could not be reached or did not answer in
 *       time ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}) counts as a
 *       {@linkplain Builder#failurePenalty penalty} latency (default 1 s): a dead endpoint
 *       loses every draw but its probes until discovery drops it. Application errors count as
 *       their latency.</li>
 * </ul>
 *
 * <pre>{@code
 * courier.client(Inventory.class).loadBalancer(PowerOfTwoChoices.builder().decay(Duration.ofSeconds(5)).build()).build();
 * }</pre>
 *
 * <p>Thread-safe; a pick reads every endpoint's average once (for the mean), which suits the
 * tens of endpoints a client calls. The public constructor (defaults) is for
 * {@link java.util.ServiceLoader}, which makes it every client's default.
 */
public final class PowerOfTwoChoices implements LoadBalancer {
    private static final long BASE_NANOS = 1_000_000;

    private final double decayNanos;
    private final long penaltyNanos;
    private final long probeAfterNanos;
    private final Ticker ticker;
    private final Map<URI, EndpointLatency> stats = new ConcurrentHashMap<>();

    /** With the defaults. */
    public PowerOfTwoChoices() {
        this(new Builder());
    }

    private PowerOfTwoChoices(Builder b) {
        this.decayNanos = b.decay.toNanos();
        this.penaltyNanos = b.failurePenalty.toNanos();
        this.probeAfterNanos = b.probeAfter.toNanos();
        this.ticker = b.ticker;
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
        long now = ticker.nanoTime();
        if (probeDue(ea, now)) {
            return ea;
        }
        if (probeDue(eb, now)) {
            return eb;
        }
        Mean mean = mean();
        return cost(ea, now, mean) <= cost(eb, now, mean) ? ea : eb;
    }

    private boolean probeDue(Endpoint e, long now) {
        EndpointLatency s = stats.get(e.uri());
        // Never tried: its cost would be the mean, a hair above a known endpoint's fading one, so
        // it would lose every draw; the first attempt is its probe (onStart then records it).
        return s == null || s.claimProbe(now, probeAfterNanos);
    }

    /** The sum and count of the stored averages of the endpoints that answer. */
    private record Mean(double sumNanos, int count) {
        /** The mean of the others than {@code self} (null: of all), 0 if there are none. */
        double without(EndpointLatency self) {
            boolean counted = self != null && !self.unreachable();
            double sum = counted ? sumNanos - self.stored() : sumNanos;
            int others = counted ? count - 1 : count;
            return others <= 0 ? 0 : Math.max(0, sum / others);
        }
    }

    private Mean mean() {
        double sum = 0;
        int count = 0;
        for (EndpointLatency s : stats.values()) {
            if (!s.unreachable()) {
                sum += s.stored();
                count++;
            }
        }
        return new Mean(sum, count);
    }

    /** The cost of sending one more call to {@code e}; lower is better. */
    double cost(Endpoint e, long now) {
        return cost(e, now, mean());
    }

    private double cost(Endpoint e, long now, Mean mean) {
        EndpointLatency s = stats.get(e.uri());
        if (s == null) {
            return mean.without(null) + BASE_NANOS;
        }
        return (s.average(now, mean.without(s), decayNanos) + BASE_NANOS) * (s.outstanding.get() + 1);
    }

    @Override
    public void onStart(Endpoint endpoint) {
        stats(endpoint).start(ticker.nanoTime());
    }

    @Override
    public void onEnd(Endpoint endpoint, long latencyNanos, Throwable failure) {
        EndpointLatency s = stats(endpoint);
        s.outstanding.updateAndGet(v -> Math.max(0, v - 1)); // not below 0 if the stats were dropped meanwhile
        boolean unreachable = failure instanceof CourierException c
                && (c.status() == Status.UNAVAILABLE || c.status() == Status.DEADLINE_EXCEEDED);
        long sample = unreachable ? Math.max(latencyNanos, penaltyNanos) : latencyNanos;
        s.sample(sample, unreachable, ticker.nanoTime(), mean().without(s), decayNanos);
    }

    @Override
    public void onEndpoints(List<Endpoint> endpoints) {
        Set<URI> keep = endpoints.stream().map(Endpoint::uri).collect(Collectors.toSet());
        stats.keySet().retainAll(keep);
    }

    private EndpointLatency stats(Endpoint e) {
        EndpointLatency s = stats.get(e.uri());
        if (s != null) {
            return s;
        }
        double start = mean().without(null); // a newcomer starts at the mean, not at its first cold answer
        return stats.computeIfAbsent(e.uri(), u -> new EndpointLatency(start, ticker.nanoTime()));
    }

    @Override
    public String toString() {
        return "PowerOfTwoChoices";
    }

    /** Configures a {@link PowerOfTwoChoices}; not thread-safe. */
    public static final class Builder {
        private Duration decay = Duration.ofSeconds(10);
        private Duration failurePenalty = Duration.ofSeconds(1);
        private Duration probeAfter = Duration.ofSeconds(1);
        private Ticker ticker = Ticker.system();

        private Builder() {
        }

        /**
         * How fast a past latency is forgotten without new answers: its distance to the mean of
         * the other endpoints shrinks by e every {@code decay} (default 10 s).
         */
        public Builder decay(Duration decay) {
            this.decay = Checks.positive("decay", decay);
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

        /**
         * How long an endpoint may go without an attempt before it is probed: picked when drawn,
         * whatever its average (default 1 s).
         */
        public Builder probeAfter(Duration after) {
            this.probeAfter = Checks.positive("probeAfter", after);
            return this;
        }

        /** The source of time (a fake clock in tests; default the system's). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** The configured balancer. */
        public PowerOfTwoChoices build() {
            return new PowerOfTwoChoices(this);
        }
    }
}
