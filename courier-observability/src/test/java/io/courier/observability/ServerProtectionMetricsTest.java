package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import io.courier.resilience.Bulkhead;
import io.courier.resilience.RateLimit;
import io.courier.test.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meters of a server's limiter and rate limit, after refusals on the wire. */
class ServerProtectionMetricsTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aShedCallAndARateLimitedCallAreCountedAndTheLimiterIsShown() throws Exception {
        Bulkhead shedder = Bulkhead.loadShedder().maxConcurrentCalls(1).build();
        RateLimit perCaller = RateLimit.builder().rate(1, Duration.ofHours(1)).burst(2).build();
        MeterRegistry r = new SimpleMeterRegistry();
        ServerProtectionMetrics.builder("stock-server").limiter(shedder).rateLimit("per-caller", perCaller).build()
                .bindTo(r);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Courier c = Courier.builder().name("stock-server").serverInterceptor(shedder)
                .serverInterceptor(perCaller).build()) {
            c.serve(Stock.class, sku -> {
                if (sku.equals("hold")) {
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return 1;
            });
            CompletableFuture<HttpResponse<String>> held = http.sendAsync(get(c, "hold"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(r.get("courier.server.in_flight").tags("courier.server", "stock-server", "courier.limiter",
                    "server").gauge().value()).isEqualTo(1);
            assertThat(r.get("courier.server.limit").gauge().value()).isEqualTo(1);

            HttpResponse<String> shed = http.send(get(c, "b"), HttpResponse.BodyHandlers.ofString());
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(shed.headers().firstValue("retry-after")).contains("1");
            assertThat(r.get("courier.server.shed").functionCounter().count()).isEqualTo(1);

            release.countDown();
            assertThat(held.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            Await.until(Duration.ofSeconds(10), "the limiter empty",
                    () -> r.get("courier.server.in_flight").gauge().value() == 0);

            // The shed call never reached the rate limit: "hold" and "c" are the burst of two.
            assertThat(http.send(get(c, "c"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(r.get("courier.server.rate_limited").functionCounter().count()).isZero();
            HttpResponse<String> limited = http.send(get(c, "d"), HttpResponse.BodyHandlers.ofString());
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(r.get("courier.server.rate_limited").tags("courier.server", "stock-server",
                    "courier.rate_limit", "per-caller").functionCounter().count()).isEqualTo(1);
            assertThat(r.get("courier.server.shed").functionCounter().count()).isEqualTo(1);
            // Bounded tags: nothing names the caller.
            assertThat(r.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags())
                    .noneMatch(t -> t.getValue().contains("127.0.0.1")));
        }
    }

    @Test
    void namesAreCheckedAndNotGivenTwice() {
        Bulkhead shedder = Bulkhead.loadShedder().build();
        RateLimit limit = RateLimit.builder().rate(1, Duration.ofSeconds(1)).build();
        assertThatThrownBy(() -> ServerProtectionMetrics.builder(" "))
                .hasMessage("server: \" \" (expected: not blank)");
        assertThatThrownBy(() -> ServerProtectionMetrics.builder("s").limiter(shedder).limiter(shedder))
                .hasMessage("bulkhead: server given twice (expected: limiters with names of their own)");
        assertThatThrownBy(() -> ServerProtectionMetrics.builder("s").rateLimit("a", limit).rateLimit("a", limit))
                .hasMessage("name: a given twice (expected: one per rate limit)");
    }

    private static HttpRequest get(Courier c, String sku) {
        return HttpRequest.newBuilder(URI.create(c.uri() + "/stock/" + sku)).GET().build();
    }
}
