/**
 * Observability for Courier: {@link io.courier.observability.CourierMetrics} (Micrometer meters
 * of every call, attempts and breakers), {@link io.courier.observability.ObservabilityRoutes}
 * (the Prometheus scrape and health probes on the REST port) and, on the OpenTelemetry API
 * alone, {@link io.courier.observability.CourierTracing} (a span per call and message, the
 * trace context carried in the call's metadata).
 */
module io.courier.observability {
    requires transitive io.courier.core;
    requires transitive io.courier.resilience;
    requires transitive micrometer.core;
    requires transitive micrometer.registry.prometheus;
    requires transitive io.opentelemetry.api;
    requires transitive io.opentelemetry.context;
    requires io.courier.http;
    requires io.vertx.core;
    requires org.slf4j;
    // The age of handled messages is read from its MessageContext when it is there.
    requires static io.courier.messaging;
    // The relays' meters, when courier-outbox is there.
    requires static io.courier.outbox;

    exports io.courier.observability;
}
