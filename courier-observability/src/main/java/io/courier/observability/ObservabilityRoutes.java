package io.courier.observability;

import io.courier.observability.internal.RoutesTransport;
import io.courier.spi.Readiness;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Operational routes on the service's own port (that of {@code courier-http}'s server): the
 * Prometheus scrape ({@code GET /metrics} by default, in the text format 0.0.4) and the probes
 * {@code GET /health/live} (200 while the process serves) and {@code GET /health/ready} (200 once
 * the server is bound, the {@code Courier} is not draining and every {@link HealthCheck}
 * passes, else 503 naming what fails). On {@code Courier.close()} readiness turns 503 first and,
 * with {@link Builder#drainDelay}, the servers go on serving that long before they drain, so that
 * load balancers stop sending before connections are refused. A {@link TransportFactory} without a client side: it attaches to the REST transport of
 * the same {@code Courier}, as gRPC does; with gRPC served alone ({@code GrpcTransportFactory}
 * without a REST transport), to gRPC's own port, a courier-http server under the limits and
 * cross-origin policy given to {@code GrpcTransportFactory}, where these routes answer HTTP/1.1
 * and HTTP/2 requests before gRPC sees them. These routes take precedence over a contract's
 * routes of the same path.
 *
 * <pre>{@code
 * Courier courier = Courier.builder()
 *     .transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
 *     .transport(ObservabilityRoutes.builder().metrics(metrics).readiness("broker", broker::isConnected).build())
 *     .build();
 * }</pre>
 *
 * <p>Giving {@code Courier.Builder.transport} any factory turns off the class-path search, so
 * name the REST (and gRPC) transports too. Immutable and thread-safe.
 */
public final class ObservabilityRoutes implements TransportFactory {
    /** The name of this factory. */
    public static final String NAME = "observability-routes";

    private final CourierMetrics metrics;
    private final String metricsPath;
    private final boolean health;
    private final Map<String, HealthCheck> checks;
    private final Duration drainDelay;

    private ObservabilityRoutes(Builder b) {
        this.metrics = b.metrics;
        this.metricsPath = b.metricsPath;
        this.health = b.health;
        this.checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.checks));
        this.drainDelay = b.drainDelay;
    }

    /** A builder: no scrape until {@link Builder#metrics} is given, health probes on. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Transport create(TransportContext context) {
        return new RoutesTransport(metrics == null ? null : () -> {
            metrics.refresh();
            return ((PrometheusMeterRegistry) metrics.registry()).scrape();
        }, metricsPath, health, checks, Readiness.of(context), drainDelay);
    }

    /** Settings of {@link ObservabilityRoutes}. Not thread-safe. */
    public static final class Builder {
        private CourierMetrics metrics;
        private String metricsPath = "/metrics";
        private boolean health = true;
        private final Map<String, HealthCheck> checks = new LinkedHashMap<>();
        private Duration drainDelay = Duration.ZERO;

        private Builder() {
        }

        /** Serves the scrape of {@code metrics}, whose registry must be a {@link PrometheusMeterRegistry}. */
        public Builder metrics(CourierMetrics metrics) {
            Objects.requireNonNull(metrics, "metrics");
            if (!(metrics.registry() instanceof PrometheusMeterRegistry)) {
                throw new IllegalArgumentException("metrics: a registry of " + metrics.registry().getClass().getName()
                        + " (expected: a PrometheusMeterRegistry to scrape)");
            }
            this.metrics = metrics;
            return this;
        }

        /** The path of the scrape (default {@code /metrics}); null turns the scrape off. */
        public Builder metricsPath(String path) {
            if (path != null && (!path.startsWith("/") || path.contains("?"))) {
                throw new IllegalArgumentException("metricsPath: " + path + " (expected: a path such as /metrics)");
            }
            this.metricsPath = path;
            return this;
        }

        /** Whether {@code /health/live} and {@code /health/ready} are served (default true). */
        public Builder health(boolean health) {
            this.health = health;
            return this;
        }

        /**
         * A condition {@code /health/ready} requires, named in its answer when it fails; must be
         * quick. The same as {@code healthCheck(name, HealthCheck.of(check))}.
         */
        public Builder readiness(String name, BooleanSupplier check) {
            return healthCheck(name, HealthCheck.of(Objects.requireNonNull(check, "check")));
        }

        /**
         * A check {@code /health/ready} requires, in the order added; when it is down the answer
         * names it with its detail, e.g. {@code not ready: broker (connection refused)}. A second
         * check of the same name replaces the first.
         */
        public Builder healthCheck(String name, HealthCheck check) {
            Objects.requireNonNull(check, "check");
            if (Objects.requireNonNull(name, "name").isBlank() || name.contains(",")) {
                throw new IllegalArgumentException("name: \"" + name + "\" (expected: a name without commas)");
            }
            checks.put(name, check);
            return this;
        }

        /**
         * Requires the broker of {@code messaging} to carry messages
         * ({@link io.courier.messaging.Messaging#notReady()}: Kafka consumers connected and
         * assigned their partitions, RabbitMQ connections open), as the check
         * {@code messaging:<its name>}. Needs courier-messaging (an optional dependency).
         */
        public Builder messagingReadiness(io.courier.messaging.Messaging messaging) {
            Objects.requireNonNull(messaging, "messaging");
            return healthCheck("messaging:" + messaging.name(), () -> messaging.notReady()
                    .map(HealthCheck.Health::down).orElse(HealthCheck.Health.UP));
        }

        /**
         * How long {@code Courier.close()} goes on serving once {@code /health/ready} answers
         * 503 {@code draining}, before its servers stop accepting calls (default zero: they stop at
         * once). Set it to a little more than the readiness probe's period times its failure
         * threshold, so that a load balancer has stopped sending by then.
         */
        public Builder drainDelay(Duration delay) {
            if (Objects.requireNonNull(delay, "delay").isNegative()) {
                throw new IllegalArgumentException("drainDelay: " + delay + " (expected: >= 0)");
            }
            this.drainDelay = delay;
            return this;
        }

        /** The routes. */
        public ObservabilityRoutes build() {
            return new ObservabilityRoutes(this);
        }
    }
}
