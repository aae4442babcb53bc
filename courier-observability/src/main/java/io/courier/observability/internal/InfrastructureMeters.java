package io.courier.observability.internal;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceView;
import io.courier.outbox.OutboxRelay;
import io.courier.outbox.tailing.LogTailingRelay;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Meters read from Courier's own objects when scraped: a discovery view, the outbox relays. Each method registers its meters once; the objects are held weakly by
 * Micrometer, as every gauge's are.
 */
public final class InfrastructureMeters {
    private InfrastructureMeters() {
    }

    /** {@code courier.discovery.instances} per health, {@code .stale}, {@code .age} and {@code .error} of one view. */
    public static void discovery(MeterRegistry registry, ServiceView view, Supplier<java.time.Instant> now) {
        String service = view.service();
        for (ServiceInstance.Health health : ServiceInstance.Health.values()) {
            Gauge.builder("courier.discovery.instances", view,
                            v -> v.instances().stream().filter(i -> i.health() == health).count())
                    .description("Instances discovery lists for a service, by health")
                    .tag("courier.service", service).tag("health", health.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder("courier.discovery.stale", view, v -> v.isStale() ? 1 : 0)
                .description("1 while the view serves its last good list because the backend fails")
                .tag("courier.service", service).register(registry);
        Gauge.builder("courier.discovery.error", view, v -> v.lastError().isPresent() ? 1 : 0)
                .description("1 when the backend's last answer for this service was an error")
                .tag("courier.service", service).register(registry);
        Gauge.builder("courier.discovery.age", view, v -> v.updatedAt().equals(java.time.Instant.EPOCH) ? Double.NaN
                        : Duration.between(v.updatedAt(), now.get()).toNanos() / 1e9)
                .description("Seconds since the view last had an answer from the backend").baseUnit("seconds")
                .tag("courier.service", service).register(registry);
    }

    /** The polling relay: published, backlog (counted when scraped), latency, partitions held. */
    public static void outbox(MeterRegistry registry, OutboxRelay relay, String name) {
        FunctionCounter.builder("courier.outbox.published", relay, OutboxRelay::published)
                .description("Outbox rows published and confirmed by the broker").tag("courier.relay", name)
                .register(registry);
        Gauge.builder("courier.outbox.backlog", relay, r -> r.backlog())
                .description("Outbox rows waiting to be published (a count query when scraped)")
                .tag("courier.relay", name).register(registry);
        Gauge.builder("courier.outbox.relay.latency", relay, r -> r.lastLatency().toNanos() / 1e9)
                .description("From writing to the broker's confirmation, of the last row published").baseUnit("seconds")
                .tag("courier.relay", name).register(registry);
        Gauge.builder("courier.outbox.partitions.held", relay, r -> r.partitionsHeld().size())
                .description("Outbox partitions this relay holds").tag("courier.relay", name).register(registry);
    }

    /** The log-tailing relay: published, latency, slot lag, active. */
    public static void outbox(MeterRegistry registry, LogTailingRelay relay) {
        String name = relay.slot();
        FunctionCounter.builder("courier.outbox.published", relay, LogTailingRelay::publishedCount)
                .description("Outbox rows published and confirmed by the broker").tag("courier.relay", name)
                .register(registry);
        Gauge.builder("courier.outbox.relay.latency", relay, r -> {
                    Duration d = r.lastRelayLatency();
                    return d == null ? Double.NaN : d.toNanos() / 1e9;
                }).description("From a transaction's commit to the broker's confirmation of its rows, the last one")
                .baseUnit("seconds").tag("courier.relay", name).register(registry);
        Gauge.builder("courier.outbox.slot.lag", relay, r -> r.slotLagBytes() < 0 ? Double.NaN : r.slotLagBytes())
                .description("Write-ahead log the replication slot holds back").baseUnit("bytes")
                .tag("courier.relay", name).register(registry);
        Gauge.builder("courier.outbox.relay.active", relay, r -> r.isActive() ? 1 : 0)
                .description("1 while this relay holds the slot and publishes").tag("courier.relay", name)
                .register(registry);
    }
}
