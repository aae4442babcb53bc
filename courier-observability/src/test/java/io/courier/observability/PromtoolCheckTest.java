package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.resilience.CircuitBreaker;
import io.courier.resilience.CircuitBreakers;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scrape passes Prometheus's own check, {@code promtool check metrics} (Debian's
 * {@code prometheus} package ships it; {@code .ci/run} installs it): run when promtool is on the
 * PATH, skipped with a notice otherwise (a failure under CI, which installs it).
 */
class PromtoolCheckTest {
    @Test
    void scrapePassesPromtool() throws Exception {
        String promtool = onPath("promtool");
        if (promtool == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("promtool is not on the PATH (expected under CI: .ci/run installs prometheus)");
        }
        if (promtool == null) {
            System.out.println("PromtoolCheckTest: promtool is not on the PATH; skipped (apt-get install prometheus)");
        }
        assumeTrue(promtool != null, "promtool on the PATH");

        CourierMetrics metrics = CourierMetrics.builder().percentiles(0.5, 0.99).slos(Duration.ofMillis(50)).build();
        CircuitBreakers breakers = CircuitBreakers.of(CircuitBreaker.builder("stock"));
        metrics.bind(breakers, "stock");
        breakers.forEndpoint(URI.create("grpc://127.0.0.1:1")).transitionTo(CircuitBreaker.State.OPEN);
        try (Courier c = Courier.builder().name("checked").transport(new HttpTransportFactory())
                .transport(new GrpcTransportFactory()).transport(ObservabilityRoutes.builder().metrics(metrics).build())
                .serverInterceptor(metrics.serverInterceptor()).clientInterceptor(metrics.clientInterceptor()).build();
             HttpClient http = HttpClient.newHttpClient()) {
            c.serve(Stock.class, sku -> {
                if (sku.equals("bad")) {
                    throw new io.courier.NotFoundException("no sku bad");
                }
                if (sku.equals("down")) {
                    throw new io.courier.UnavailableException("the stock database is down");
                }
                return 1;
            });
            Stock rest = c.client(Stock.class).target(c.uri()).build();
            Stock grpc = c.client(Stock.class).target(c.uris().stream().filter(u -> u.getScheme().equals("grpc"))
                    .findFirst().orElseThrow()).build();
            rest.level("a");
            grpc.level("a");
            // The resilience and messaging meters in the same scrape.
            io.courier.resilience.Resilience fallback = io.courier.resilience.Resilience.builder()
                    .fallback(io.courier.resilience.Fallback.of((call, error) -> -1)).build();
            metrics.bind(fallback, "stock");
            assertThat(fallback.applyTo(c.client(Stock.class)).target(c.uri()).build().level("down")).isEqualTo(-1);
            io.courier.messaging.inmemory.InMemoryBroker broker = io.courier.messaging.inmemory.InMemoryBroker.create();
            io.courier.messaging.Messaging messaging = io.courier.messaging.Messaging.builder().name("events")
                    .broker(broker).codec(io.courier.json.JsonCodec.create()).build();
            metrics.bindMessaging(messaging).bindConsumerLag(messaging, "Restocked", "shop");
            messaging.subscribe("Restocked", String.class, "shop", restocked -> { }); // its dead-letter counters
            org.assertj.core.api.Assertions.catchThrowable(() -> grpc.level("bad"));

            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(c.uri().resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(scrape.body()).contains("rpc_server_duration_seconds_count{rpc_method=\"level\","
                    + "rpc_response_status_code=\"NOT_FOUND\",rpc_service=\"stock\",rpc_system=\"grpc\"} 1");

            Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
            p.getOutputStream().write(scrape.body().getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).isEmpty();
            assertThat(scrape.body()).contains("courier_fallbacks_total{", "messaging_dead_letters_total{",
                    "messaging_parked_keys{", "messaging_consumer_lag{");
            messaging.close();
            broker.close();
        }
    }

    private static String onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, tool);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
