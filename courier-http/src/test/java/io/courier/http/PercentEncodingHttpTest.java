package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import io.courier.json.JsonCodec;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Path and query values are percent-encoded UTF-8, and are decoded strictly, from a client no
 * Courier code wrote: bytes that are not UTF-8 once decoded ({@code %FF}, an overlong
 * {@code %C0%AF}, a truncated {@code %E2%82}) are refused with 400 naming the parameter, as a
 * JSON body with such bytes is, and never reach the handler as U+FFFD.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PercentEncodingHttpTest {
    private static final JsonCodec JSON = JsonCodec.create();
    private static final String EXPECTED = " (expected: text percent-encoded as UTF-8)";

    @Service("files")
    public interface Files {
        @Get("/files/{name}")
        String file(@Path("name") String name);

        @Get("/search")
        String search(@Query("q") String q, @Query("tag") List<String> tags);
    }

    private final AtomicInteger calls = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private URI base;

    @BeforeAll
    void start() {
        server = Courier.builder().name("files").build().serve(Files.class, new Files() {
            @Override
            public String file(String name) {
                calls.incrementAndGet();
                return name;
            }

            @Override
            public String search(String q, List<String> tags) {
                calls.incrementAndGet();
                return q + " " + tags;
            }
        });
        base = server.uri();
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    /** After each refusal: the handler never ran, and good values are still decoded. */
    @AfterEach
    void handlerNeverRanAndGoodValuesStillDecode() throws Exception {
        assertThat(calls.getAndSet(0)).as("calls of the handler").isZero();
        HttpResponse<String> file = get("/files/%E2%82%AC%20a+b%2Fc");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(text(file)).isEqualTo("€ a+b/c");
        HttpResponse<String> search = get("/search?q=%C3%A9t%C3%A9+x&tag=a%26b&tag=%F0%9F%98%80");
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(text(search)).isEqualTo("été x [a&b, 😀]");
        calls.set(0);
    }

    @Test
    void aPathValueThatIsNotUtf8Is400NamingTheParameter() throws Exception {
        assertThat(detail(get("/files/%FF"))).isEqualTo("path name: \"%FF\": %FF is not UTF-8" + EXPECTED);
        assertThat(detail(get("/files/x%C0%AF"))).isEqualTo("path name: \"x%C0%AF\": %C0 is not UTF-8" + EXPECTED);
        assertThat(detail(get("/files/%E2%82"))).isEqualTo("path name: \"%E2%82\": %E2%82 is not UTF-8" + EXPECTED);
        assertThat(detail(get("/files/%ED%A0%80"))).as("a surrogate").contains("%ED%A0%80 is not UTF-8");
    }

    @Test
    void aQueryValueThatIsNotUtf8Is400NamingTheParameter() throws Exception {
        assertThat(detail(get("/search?q=%FF"))).isEqualTo("query q: \"%FF\": %FF is not UTF-8" + EXPECTED);
        assertThat(detail(get("/search?q=ok&tag=a&tag=%C0%AF"))).isEqualTo("query tag: \"%C0%AF\": %C0 is not UTF-8"
                + EXPECTED);
        assertThat(detail(get("/search?q=%E2%82"))).isEqualTo("query q: \"%E2%82\": %E2%82 is not UTF-8" + EXPECTED);
        assertThat(detail(get("/search?q=ok&%FF=1"))).as("a name").isEqualTo("query: parameter name \"%FF\": %FF is not"
                + " UTF-8" + EXPECTED);
    }

    /** Over a raw socket: {@link URI} refuses such a path itself. */
    @Test
    void aStrayPercentIs400NamingTheParameter() throws Exception {
        assertThat(rawGet("/files/a%zz")).startsWith("HTTP/1.1 400 ").contains("\"detail\":\"path name: \\\"a%zz\\\":"
                + " %zz is not a percent-escape (expected: % followed by two hex digits)\"");
        assertThat(rawGet("/search?q=50%")).startsWith("HTTP/1.1 400 ").contains("\"detail\":\"query q: \\\"50%\\\":"
                + " % is not a percent-escape (expected: % followed by two hex digits)\"");
    }

    /** The answer to a GET of {@code target} on a connection of its own. */
    private String rawGet(String target) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10)).GET()
                .build(), BodyHandlers.ofString());
    }

    private static String text(HttpResponse<String> response) {
        return (String) JSON.decode(response.body().getBytes(StandardCharsets.UTF_8), String.class);
    }

    @SuppressWarnings("unchecked")
    private static String detail(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        Map<String, Object> problem = (Map<String, Object>) JSON.decode(response.body().getBytes(StandardCharsets.UTF_8),
                Map.class);
        assertThat(problem).containsEntry("code", "INVALID_ARGUMENT").containsEntry("status", 400);
        return (String) problem.get("detail");
    }
}
