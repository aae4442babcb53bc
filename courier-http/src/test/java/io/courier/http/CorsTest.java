package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A REST server with a {@link Cors} policy, called as a browser would (Origin, preflight) by the
 * JDK's HTTP client: allowed origins get the {@code Access-Control-*} headers, others none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorsTest {
    private static final String SHOP = "https://shop.example";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private Courier open;

    @BeforeAll
    void start() {
        Cors cors = Cors.builder().allowOrigin(SHOP).allowHeaders("x-who").exposeHeaders("x-trace")
                .maxAge(Duration.ofHours(1)).allowCredentials(true).build();
        server = Courier.builder().name("cors").transport(HttpTransportFactory.builder().cors(cors).build()).build()
                .serve(Shop.class, new ShopImpl());
        open = Courier.builder().name("open").transport(HttpTransportFactory.builder()
                .cors(Cors.builder().allowOrigin("*").build()).build()).build().serve(Shop.class, new ShopImpl());
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
        open.close();
    }

    private HttpResponse<String> send(Courier to, String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(to.uri().resolve(path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> cors(HttpHeaders headers) {
        return headers.map().keySet().stream().filter(h -> h.startsWith("access-control-")).sorted().toList();
    }

    @Test
    void aPreflightFromAnAllowedOriginIs204WithThePolicy() throws Exception {
        HttpResponse<String> r = send(server, "OPTIONS", "/whoami", "origin", SHOP,
                "access-control-request-method", "GET", "access-control-request-headers", "X-Who, content-type");

        assertThat(r.statusCode()).isEqualTo(204);
        HttpHeaders h = r.headers();
        assertThat(h.firstValue("access-control-allow-origin")).hasValue(SHOP);
        assertThat(h.firstValue("access-control-allow-methods")).hasValueSatisfying(m -> assertThat(m.split(", "))
                .containsExactlyInAnyOrder("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"));
        assertThat(h.firstValue("access-control-allow-headers")).hasValueSatisfying(v -> assertThat(v).contains("x-who",
                "content-type", "x-grpc-web"));
        assertThat(h.firstValue("access-control-max-age")).hasValue("3600");
        assertThat(h.firstValue("access-control-allow-credentials")).hasValue("true");
        assertThat(h.allValues("vary")).contains("origin");
    }

    @Test
    void aPreflightFromAnotherOriginOrForAnotherHeaderIs403WithoutCorsHeaders() throws Exception {
        HttpResponse<String> origin = send(server, "OPTIONS", "/whoami", "origin", "https://evil.example",
                "access-control-request-method", "GET");
        HttpResponse<String> header = send(server, "OPTIONS", "/whoami", "origin", SHOP,
                "access-control-request-method", "GET", "access-control-request-headers", "x-secret");
        HttpResponse<String> method = send(server, "OPTIONS", "/whoami", "origin", SHOP,
                "access-control-request-method", "TRACE");

        for (HttpResponse<String> r : List.of(origin, header, method)) {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(cors(r.headers())).isEmpty();
            assertThat(r.body()).contains("\"code\":\"PERMISSION_DENIED\"", "CORS preflight refused");
        }
        assertThat(origin.body()).contains("origin: https://evil.example (expected: an allowed origin)");
        assertThat(header.body()).contains("access-control-request-headers: x-secret (expected: one of ");
        assertThat(method.body()).contains("access-control-request-method: TRACE (expected: one of ");
    }

    @Test
    void anAllowedOriginsCallIsAnsweredWithTheCorsHeaders() throws Exception {
        HttpResponse<String> r = send(server, "GET", "/whoami", "origin", SHOP, "x-who", "ann");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("\"ann/");
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue(SHOP);
        assertThat(r.headers().firstValue("access-control-allow-credentials")).hasValue("true");
        assertThat(r.headers().firstValue("access-control-expose-headers")).hasValueSatisfying(v ->
                assertThat(v.split(", ")).containsExactlyInAnyOrder("grpc-status", "grpc-message", "x-trace"));
        assertThat(r.headers().allValues("vary")).contains("origin");
    }

    @Test
    void anotherOriginsCallIsServedWithoutCorsHeadersSoTheBrowserWithholdsIt() throws Exception {
        HttpResponse<String> r = send(server, "GET", "/whoami", "origin", "https://evil.example", "x-who", "eve");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(cors(r.headers())).isEmpty();
    }

    @Test
    void anyOriginAnswersStarAndNoCredentials() throws Exception {
        HttpResponse<String> r = send(open, "GET", "/whoami", "origin", "https://any.example", "x-who", "ann");

        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(r.headers().firstValue("access-control-allow-credentials")).isEmpty();
    }

    @Test
    void aServerWithoutAPolicyAddsNothing() throws Exception {
        try (Courier plain = Courier.builder().name("plain").build().serve(Shop.class, new ShopImpl())) {
            HttpResponse<String> r = send(plain, "GET", "/whoami", "origin", SHOP, "x-who", "ann");
            HttpResponse<String> preflight = send(plain, "OPTIONS", "/whoami", "origin", SHOP,
                    "access-control-request-method", "GET");

            assertThat(cors(r.headers())).isEmpty();
            assertThat(preflight.statusCode()).isEqualTo(405);
            assertThat(cors(preflight.headers())).isEmpty();
        }
    }

    @Test
    void inconsistentPoliciesAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> Cors.builder().allowOrigin("*").allowCredentials(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowCredentials: true with any origin");
        assertThatThrownBy(() -> Cors.builder().build()).hasMessageContaining("allowedOrigins: none");
        assertThatThrownBy(() -> Cors.builder().allowOrigin("https://shop.example/").build())
                .hasMessageContaining("(expected: scheme://host[:port], no path");
    }
}
