package io.courier.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.courier.Courier;
import io.courier.FailedPreconditionException;
import io.courier.http.Cors;
import io.courier.http.HttpTransportFactory;
import io.courier.test.HeadlessChromium;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real browser as the client: headless Chromium loads a page from another origin (a second
 * HTTP server on another loopback port) whose hand-written JavaScript calls one Courier port
 * with gRPC-Web through {@code fetch} (unary and server streaming in {@code application/grpc-web+json},
 * unary in {@code application/grpc-web-text} around hand-encoded Protobuf, a failing call whose
 * {@code grpc-status} the page reads from an exposed response header) and reads the
 * same server-streaming method's REST route with {@code EventSource}, all under the server's
 * {@link Cors} policy. The page writes what it got into the DOM, which the test reads.
 *
 * <p>Skipped with a notice where no Chromium is installed; fails instead when {@code CI=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private HttpServer pages;
    private Courier server;
    private HeadlessChromium browser;
    private String pageOrigin;

    @BeforeAll
    void start() throws IOException {
        var chromium = HeadlessChromium.executable();
        if (chromium.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no chromium on the PATH, and CI=true (expected: apt-get install chromium)");
        }
        if (chromium.isEmpty()) {
            System.out.println("BrowserTest: no chromium on the PATH; skipped (apt-get install chromium)");
        }
        assumeTrue(chromium.isPresent(), "chromium on the PATH");

        byte[] page;
        try (InputStream in = BrowserTest.class.getResourceAsStream("/browser/index.html")) {
            page = in.readAllBytes();
        }
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/", exchange -> {
            try (exchange) {
                if (exchange.getRequestURI().getPath().equals("/index.html")) {
                    exchange.getResponseHeaders().set("content-type", "text/html; charset=utf-8");
                    exchange.sendResponseHeaders(200, page.length);
                    exchange.getResponseBody().write(page);
                } else {
                    exchange.sendResponseHeaders(404, -1);
                }
            }
        });
        pages.start();
        pageOrigin = "http://127.0.0.1:" + pages.getAddress().getPort();

        server = Courier.builder().name("board")
                .transport(HttpTransportFactory.builder().cors(Cors.builder().allowOrigin(pageOrigin).build()).build())
                .transport(new GrpcTransportFactory())
                .build()
                .serve(Board.class, new Board() {
                    @Override
                    public Greeting greet(String name) {
                        return new Greeting("hello, " + name);
                    }

                    @Override
                    public Stream<Tick> ticks(int count) {
                        return LongStream.rangeClosed(1, count).mapToObj(n -> new Tick(n, "tick " + n));
                    }

                    @Override
                    public Greeting fail(String why) {
                        throw new FailedPreconditionException("the board is " + why);
                    }
                });
        browser = HeadlessChromium.start(chromium.get());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (pages != null) {
            pages.stop(0);
        }
    }

    private void open(String origin) {
        String serverOrigin = "http://127.0.0.1:" + server.uri().getPort();
        browser.navigate(URI.create(origin + "/index.html?server="
                + URLEncoder.encode(serverOrigin, StandardCharsets.UTF_8)));
    }

    private JsonNode shown(String id) {
        return browser.evaluate("document.getElementById('" + id + "').textContent");
    }

    private List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.toString()));
        return out;
    }

    @Test
    void aPageOfAnAllowedOriginCallsGrpcWebAndReadsServerSentEvents() throws Exception {
        open(pageOrigin);
        browser.awaitTrue(PATIENCE, "['unary-trailerStatus', 'stream-trailerStatus', 'text-trailerStatus', 'error-headerStatus', 'sse-end']"
                + ".every(id => document.getElementById(id) !== null)"
                + " || document.querySelector('[id$=\"-failed\"]') !== null");
        Path shot = browser.screenshot(Path.of("target", "screenshots", "browser-grpc-web-sse.png"));
        var json = new com.fasterxml.jackson.databind.ObjectMapper();

        assertThat(browser.evaluate("document.querySelector('[id$=\"-failed\"]')?.textContent ?? null").isNull())
                .as("no call failed in the page; console: %s", browser.console()).isTrue();
        assertThat(json.readTree(shown("unary-messages").asText()).toString())
                .isEqualTo("[{\"text\":\"hello, browser\"}]");
        assertThat(shown("unary-trailerStatus").asText()).isEqualTo("0");
        assertThat(texts(json.readTree(shown("stream-messages").asText()))).containsExactly(
                "{\"n\":1,\"label\":\"tick 1\"}", "{\"n\":2,\"label\":\"tick 2\"}", "{\"n\":3,\"label\":\"tick 3\"}");
        assertThat(shown("stream-trailerStatus").asText()).isEqualTo("0");
        assertThat(shown("text-messages").asText()).isEqualTo("[\"hello, text mode\"]");
        assertThat(shown("text-trailerStatus").asText()).isEqualTo("0");
        assertThat(shown("error-headerStatus").asText()).isEqualTo("9");
        assertThat(shown("error-headerMessage").asText()).contains("the board is closed");
        assertThat(texts(json.readTree(shown("sse-events").asText()))).containsExactly(
                "{\"n\":1,\"label\":\"tick 1\"}", "{\"n\":2,\"label\":\"tick 2\"}", "{\"n\":3,\"label\":\"tick 3\"}");
        assertThat(shot).isNotEmptyFile();
    }

    @Test
    void aPageOfAnotherOriginIsRefusedItsAnswersByTheBrowser() {
        // localhost is another origin than 127.0.0.1 for the browser: the same page, not allowed.
        open("http://localhost:" + pages.getAddress().getPort());
        browser.awaitTrue(PATIENCE, "['unary-failed', 'stream-failed', 'text-failed', 'error-failed', 'sse-end']"
                + ".every(id => document.getElementById(id) !== null)");
        browser.screenshot(Path.of("target", "screenshots", "browser-other-origin.png"));

        assertThat(shown("unary-failed").asText()).contains("Failed to fetch");
        assertThat(shown("stream-failed").asText()).contains("Failed to fetch");
        assertThat(shown("sse-end").asText()).isEqualTo("0 events, then the stream ended");
    }
}
