package io.courier.observability;

import io.courier.resilience.Bulkhead;
import io.courier.resilience.RateLimit;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Micrometer meters of what protects a server: its load shedder ({@link Bulkhead#loadShedder()},
 * or any {@link Bulkhead} installed as a server interceptor) and its {@link RateLimit}s, read
 * from them when scraped, so a call pays nothing for them.
 *
 * <pre>{@code
 * Bulkhead shedder = Bulkhead.loadShedder().build();
 * RateLimit perCaller = RateLimit.builder().rate(50, Duration.ofSeconds(1)).build();
 * ServerProtectionMetrics.builder("orders").limiter(shedder).rateLimit("per-caller", perCaller).build()
 *     .bindTo(metrics.registry());
 * }</pre>
 *
 * <p>Meters, each tagged {@code courier.server} with the server's name:
 *
 * <ul>
 *   <li>{@code courier.server.limit} (gauge): the limiter's limit now, fixed or adaptive;</li>
 *   <li>{@code courier.server.in_flight} (gauge): the calls it holds now;</li>
 *   <li>{@code courier.server.shed} (counter): the calls it refused;</li>
 *   <li>{@code courier.server.rate_limited} (counter): the calls a rate limit refused.</li>
 * </ul>
 *
 * <p>The limiter's meters are also tagged {@code courier.limiter} with the bulkhead's name, a
 * rate limit's {@code courier.rate_limit} with the name given here. No tag names a caller: a
 * rate limit keeps a bucket per caller, and a tag per caller would make a series per caller.
 * Immutable; binding it to two registries shows the same objects in both.
 */
public final class ServerProtectionMetrics implements MeterBinder {
    private final String server;
    private final List<Bulkhead> limiters;
    private final Map<String, RateLimit> rateLimits;

    private ServerProtectionMetrics(String server, List<Bulkhead> limiters, Map<String, RateLimit> rateLimits) {
        this.server = server;
        this.limiters = limiters;
        this.rateLimits = rateLimits;
    }

    /** A builder for the server called {@code server} (the value of the {@code courier.server} tag). */
    public static Builder builder(String server) {
        return new Builder(server);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Bulkhead b : limiters) {
            Gauge.builder("courier.server.limit", b, Bulkhead::limit)
                    .description("The server's limit of calls in flight now, fixed or adaptive")
                    .tags("courier.server", server, "courier.limiter", b.name()).register(registry);
            Gauge.builder("courier.server.in_flight", b, Bulkhead::inFlight)
                    .description("Calls the server's limiter holds now")
                    .tags("courier.server", server, "courier.limiter", b.name()).register(registry);
            FunctionCounter.builder("courier.server.shed", b, Bulkhead::rejections)
                    .description("Calls the server refused, before running them, because its limit was reached")
                    .tags("courier.server", server, "courier.limiter", b.name()).register(registry);
        }
        rateLimits.forEach((name, limit) -> FunctionCounter.builder("courier.server.rate_limited", limit,
                        RateLimit::refusals)
                .description("Calls the server refused because their caller was over its rate")
                .tags("courier.server", server, "courier.rate_limit", name).register(registry));
    }

    @Override
    public String toString() {
        return "ServerProtectionMetrics[" + server + ", limiters " + limiters.stream().map(Bulkhead::name).toList()
                + ", rate limits " + rateLimits.keySet() + "]";
    }

    /** Builds {@link ServerProtectionMetrics}. Not thread-safe. */
    public static final class Builder {
        private final String server;
        private final List<Bulkhead> limiters = new ArrayList<>();
        private final Map<String, RateLimit> rateLimits = new LinkedHashMap<>();

        private Builder(String server) {
            this.server = notBlank("server", server);
        }

        /** Shows a bulkhead the server uses as a server interceptor (its load shedder). */
        public Builder limiter(Bulkhead bulkhead) {
            Objects.requireNonNull(bulkhead, "bulkhead");
            if (limiters.stream().anyMatch(b -> b.name().equals(bulkhead.name()))) {
                throw new IllegalArgumentException("bulkhead: " + bulkhead.name()
                        + " given twice (expected: limiters with names of their own)");
            }
            limiters.add(bulkhead);
            return this;
        }

        /** Shows the refusals of a rate limit, tagged {@code courier.rate_limit} with {@code name}. */
        public Builder rateLimit(String name, RateLimit limit) {
            notBlank("name", name);
            Objects.requireNonNull(limit, "limit");
            if (rateLimits.putIfAbsent(name, limit) != null) {
                throw new IllegalArgumentException("name: " + name + " given twice (expected: one per rate limit)");
            }
            return this;
        }

        /** The binder. */
        public ServerProtectionMetrics build() {
            return new ServerProtectionMetrics(server, List.copyOf(limiters), Map.copyOf(rateLimits));
        }

        private static String notBlank(String what, String value) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new IllegalArgumentException(what + ": \"" + value + "\" (expected: not blank)");
            }
            return value;
        }
    }
}
