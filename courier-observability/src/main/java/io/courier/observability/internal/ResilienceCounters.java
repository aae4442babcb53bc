package io.courier.observability.internal;

import io.courier.Call;
import io.courier.resilience.ResilienceListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/** Counts what the resilience steps of one client did: hedges sent, fallbacks taken, rejections by reason. */
public final class ResilienceCounters implements ResilienceListener {
    private final MeterRegistry registry;
    private final String client;

    public ResilienceCounters(MeterRegistry registry, String client) {
        this.registry = registry;
        this.client = client;
    }

    @Override
    public void on(Event event, Call call) {
        Counter.Builder counter = switch (event) {
            case HEDGE_SENT -> Counter.builder("courier.hedges").description("Hedged attempts sent");
            case FALLBACK_TAKEN -> Counter.builder("courier.fallbacks").description("Calls a fallback answered instead of their failure");
            case BULKHEAD_FULL, BREAKER_OPEN, RETRY_BUDGET_EXHAUSTED -> Counter.builder("courier.rejections")
                    .description("Calls, attempts, retries and hedges refused by a bulkhead, a breaker or the retry budget")
                    .tag("reason", event.name().toLowerCase(Locale.ROOT));
        };
        counter.tag("courier.client", client)
                .tag("rpc.service", call.service().name())
                .tag("rpc.method", call.method().name())
                .register(registry).increment();
    }
}
