package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.discovery.balancer.LoadBalancers;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.resilience.CircuitBreaker;
import io.courier.resilience.CircuitBreakers;
import io.courier.resilience.Resilience;
import io.courier.resilience.Retry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A running service scraped at {@code /metrics} while one of the two instances of its downstream
 * is down: the scrape shows the calls per status, the attempts per endpoint (so the retries) and
 * the breaker that opened, and nothing else happened.
 */
class MetricsScrapeTest {
    private static final int CALLS = 10;

    private final HttpClient http = HttpClient.newHttpClient();
    private Courier up;
    private Courier shop;
    private URI upUri;
    private URI downUri;
    private CourierMetrics metrics;
    private final AtomicBoolean brokerUp = new AtomicBoolean(true);

    @BeforeEach
    void start() {
        up = courier("stock-1").serve(Stock.class, sku -> 7);
        upUri = grpc(up);
        Courier down = courier("stock-2").serve(Stock.class, sku -> 8);
        downUri = grpc(down);
        down.close(); // crashed: still listed, its port refuses

        metrics = CourierMetrics.builder().build();
        CircuitBreakers breakers = CircuitBreakers.of(CircuitBreaker.builder("stock")
                .countWindow(2).minimumCalls(2).failureRateThreshold(50).waitInOpen(Duration.ofMinutes(5)));
        metrics.bind(breakers, "stock");
        shop = Courier.builder().name("shop").discovery(StaticDiscovery.of("stock", List.of(upUri, downUri)))
                .transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
                .transport(ObservabilityRoutes.builder().metrics(metrics).readiness("broker", brokerUp::get).build())
                .clientInterceptor(metrics.clientInterceptor()).serverInterceptor(metrics.serverInterceptor())
                .build();
        Resilience resilience = Resilience.builder()
                .retry(Retry.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build())
                .endpointBreakers(breakers).build();
        Stock stock = resilience.applyTo(shop.client(Stock.class), LoadBalancers.roundRobin())
                .target("discovery:stock?scheme=grpc").endpointInterceptor(metrics.attemptInterceptor())
                .deadline(Duration.ofSeconds(10)).build();
        shop.serve(Shop.class, sku -> sku + ":" + stock.level(sku));
    }

    @AfterEach
    void stop() {
        http.close();
        if (shop != null) {
            shop.close();
        }
        if (up != null) {
            up.close();
        }
    }

    @Test
    void scrapeShowsTheCallsTheRetriesAndTheOpenBreaker() throws Exception {
        for (int i = 0; i < CALLS; i++) {
            assertThat(get("/items/a" + i)).isEqualTo("\"a" + i + ":7\"");
        }
        Scrape scrape = Scrape.parse(get("/metrics"));

        // Every call answered, on both sides; none failed.
        assertThat(scrape.value("rpc_server_duration_seconds_count", Map.of("rpc_system", "rest",
                "rpc_service", "shop", "rpc_method", "item", "rpc_response_status_code", "OK"))).isEqualTo(CALLS);
        assertThat(scrape.value("rpc_client_duration_seconds_count", Map.of("rpc_system", "grpc",
                "rpc_service", "stock", "rpc_method", "level", "rpc_response_status_code", "OK"))).isEqualTo(CALLS);
        assertThat(scrape.values("rpc_client_duration_seconds_count", Map.of())).containsOnly((double) CALLS);
        assertThat(scrape.value("rpc_server_active_requests", Map.of("rpc_service", "shop"))).isZero();
        assertThat(scrape.value("rpc_client_active_requests", Map.of("rpc_service", "stock"))).isZero();

        // Round robin sends the down instance two attempts, then its breaker opens: two retries.
        assertThat(scrape.value("rpc_client_attempts_total", Map.of("server_address", upUri.toString(),
                "rpc_response_status_code", "OK"))).isEqualTo(CALLS);
        assertThat(scrape.value("rpc_client_attempts_total", Map.of("server_address", downUri.toString(),
                "rpc_response_status_code", "UNAVAILABLE"))).isEqualTo(2);
        assertThat(scrape.values("rpc_client_attempts_total", Map.of())).hasSize(2);

        assertThat(scrape.value("courier_breaker_state", Map.of("server_address", downUri.toString(), "state", "open")))
                .isEqualTo(1);
        assertThat(scrape.value("courier_breaker_state", Map.of("server_address", downUri.toString(), "state", "closed")))
                .isZero();
        assertThat(scrape.value("courier_breaker_state", Map.of("server_address", upUri.toString(), "state", "closed")))
                .isEqualTo(1);
        assertThat(scrape.value("courier_breaker_transitions_total", Map.of("courier_client", "stock",
                "server_address", downUri.toString(), "from", "closed", "to", "open"))).isEqualTo(1);
        assertThat(scrape.values("courier_breaker_transitions_total", Map.of())).hasSize(1);
    }

    @Test
    void healthProbesAnswerOnTheServicePort() throws Exception {
        assertThat(status("/health/live")).isEqualTo(200);
        assertThat(status("/health/ready")).isEqualTo(200);
        brokerUp.set(false);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(shop.uri().resolve("/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("not ready: broker\n");
        assertThat(status("/health/live")).isEqualTo(200);
    }

    private static Courier courier(String name) {
        return Courier.builder().name(name).transport(new HttpTransportFactory()).transport(new GrpcTransportFactory())
                .build();
    }

    private static URI grpc(Courier c) {
        return c.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(shop.uri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(shop.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }
}
