package io.courier.observability;

import io.courier.observability.internal.RoutesTransport;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Operational routes on the service's own REST port (that of {@code courier-http}): the
 * Prometheus scrape ({@code GET /metrics} by default, in the text format 0.0.4) and the probes
 * {@code GET /health/live} (200 while the process serves) and {@code GET /health/ready} (200 once
 * the REST server is bound and every readiness check passes, else 503 naming the checks that
 * fail). A {@link TransportFactory} without a client side: it attaches to the REST transport of
 * the same {@code Courier}, as gRPC does. These routes take precedence over a contract's routes
 * of the same path.
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
    private final Map<String, BooleanSupplier> readiness;

    private ObservabilityRoutes(Builder b) {
        this.metrics = b.metrics;
        this.metricsPath = b.metricsPath;
        this.health = b.health;
        this.readiness = Map.copyOf(b.readiness);
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
        }, metricsPath, health, readiness);
    }

    /** Settings of {@link ObservabilityRoutes}. Not thread-safe. */
    public static final class Builder {
        private CourierMetrics metrics;
        private String metricsPath = "/metrics";
        private boolean health = true;
        private final Map<String, BooleanSupplier> readiness = new LinkedHashMap<>();

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

        /** A condition {@code /health/ready} requires, named in its answer when it fails; must be quick. */
        public Builder readiness(String name, BooleanSupplier check) {
            Objects.requireNonNull(check, "check");
            if (Objects.requireNonNull(name, "name").isBlank()) {
                throw new IllegalArgumentException("name: \"" + name + "\" (expected: a name)");
            }
            readiness.put(name, check);
            return this;
        }

        /** The routes. */
        public ObservabilityRoutes build() {
            return new ObservabilityRoutes(this);
        }
    }
}
