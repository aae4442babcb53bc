package io.courier.observability.internal;

import io.courier.resilience.CircuitBreaker;
import io.courier.resilience.CircuitBreakers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The state of every endpoint breaker of one {@link CircuitBreakers} as gauges (1 for the state
 * it is in, 0 for the others, read when scraped) and its transitions as counters. The set of
 * endpoints is refreshed on every transition and before every scrape.
 */
public final class BreakerMeters {
    private final MeterRegistry registry;
    private final CircuitBreakers breakers;
    private final String client;
    private final MultiGauge state;

    public BreakerMeters(MeterRegistry registry, CircuitBreakers breakers, String client) {
        this.registry = registry;
        this.breakers = breakers;
        this.client = client;
        this.state = MultiGauge.builder("courier.breaker.state")
                .description("1 for the state an endpoint's breaker is in, 0 for the others")
                .tag("courier.client", client).register(registry);
        breakers.addListener(this::onTransition);
        refresh();
    }

    /** Shows the endpoints the registry has now, and drops those it dropped. */
    public void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (Map.Entry<URI, CircuitBreaker> e : breakers.breakers().entrySet()) {
            CircuitBreaker breaker = e.getValue();
            for (CircuitBreaker.State s : CircuitBreaker.State.values()) {
                rows.add(MultiGauge.Row.of(Tags.of("server.address", e.getKey().toString(), "state", name(s)),
                        breaker, b -> b.state() == s ? 1 : 0));
            }
        }
        state.register(rows, true);
    }

    private void onTransition(CircuitBreaker.Transition t) {
        Counter.builder("courier.breaker.transitions").description("Changes of state of endpoint breakers")
                .tags("courier.client", client, "server.address", t.breaker(), "from", name(t.from()), "to", name(t.to()))
                .register(registry).increment();
        refresh();
    }

    private static String name(CircuitBreaker.State s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
