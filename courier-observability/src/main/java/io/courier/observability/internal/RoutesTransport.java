package io.courier.observability.internal;

import io.courier.http.HttpRoutes;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.courier.observability.HealthCheck;
import io.courier.spi.Readiness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves the scrape and the probes on the REST server of the same Courier, or on gRPC's own port without one; has no client side. */
public final class RoutesTransport extends HttpRoutes {
    private static final Logger log = LoggerFactory.getLogger(RoutesTransport.class);
    private static final String LIVE = "/health/live";
    private static final String READY = "/health/ready";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> scrape;
    private final String metricsPath;
    private final boolean health;
    private final Readiness readiness;
    private final Duration drainDelay;

    /** Adds the REST server and {@code checks} to the conditions of {@code readiness}. */
    public RoutesTransport(Supplier<String> scrape, String metricsPath, boolean health, Map<String, HealthCheck> checks,
                           Readiness readiness, Duration drainDelay) {
        super("observability-routes", true);
        this.scrape = metricsPath == null ? null : scrape;
        this.metricsPath = metricsPath;
        this.health = health;
        this.readiness = readiness;
        this.drainDelay = drainDelay;
        readiness.require("rest-server", () -> restServer().map(s -> s.localAddress() == null).orElse(true)
                ? Optional.of("") : Optional.empty());
        checks.forEach((name, check) -> readiness.require(name, () -> {
            HealthCheck.Health h = check.check();
            return h == null ? null : h.up() ? Optional.empty() : Optional.of(h.detail());
        }));
    }

    @Override
    public boolean accepts(HttpServerRequest request) {
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            return false;
        }
        String path = request.path();
        return (scrape != null && path.equals(metricsPath)) || (health && (path.equals(LIVE) || path.equals(READY)));
    }

    @Override
    public void handle(HttpServerRequest request) {
        String path = request.path();
        if (path.equals(LIVE)) {
            request.response().putHeader("content-type", "text/plain; charset=utf-8").end("live\n");
        } else if (path.equals(READY)) {
            // The checks are the application's: off the event loop, as the scrape.
            Thread.ofVirtual().name("courier-readiness").start(() -> ready(request));
        } else {
            // The scrape reads every meter: off the event loop.
            Thread.ofVirtual().name("courier-scrape").start(() -> {
                String body;
                try {
                    body = scrape.get();
                } catch (RuntimeException e) {
                    log.warn("metrics scrape failed", e);
                    request.response().setStatusCode(500).putHeader("content-type", "text/plain; charset=utf-8")
                            .end("scrape failed: " + e + "\n");
                    return;
                }
                request.response().putHeader("content-type", PROMETHEUS_TEXT).end(body);
            });
        }
    }

    private void ready(HttpServerRequest request) {
        List<String> failing = readiness.problems();
        var response = request.response().putHeader("content-type", "text/plain; charset=utf-8");
        if (failing.isEmpty()) {
            response.end("ready\n");
        } else {
            response.setStatusCode(503).end("not ready: " + String.join(", ", failing) + "\n");
        }
    }

    /** Readiness is 503 now (the Courier is closing); the servers stop once the drain delay has passed. */
    @Override
    public void draining() {
        if (drainDelay.isZero()) {
            return;
        }
        log.info("draining: not ready; serving {} ms more before the servers stop", drainDelay.toMillis());
        try {
            Thread.sleep(drainDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
