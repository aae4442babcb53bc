package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier instances --breakers URL}: the endpoint breakers of a running service, from the
 * {@code courier_breaker_state} series of its scrape (served here as CourierMetrics writes them),
 * and a clear error when nothing answers there.
 */
class InstancesBreakersTest {
    private static final String SCRAPE = """
            # HELP courier_breaker_state 1 for the state an endpoint's breaker is in, 0 for the others
            # TYPE courier_breaker_state gauge
            courier_breaker_state{courier_client="consumer",server_address="http://127.0.0.1:4001",state="closed"} 1.0
            courier_breaker_state{courier_client="consumer",server_address="http://127.0.0.1:4001",state="half_open"} 0.0
            courier_breaker_state{courier_client="consumer",server_address="http://127.0.0.1:4001",state="open"} 0.0
            courier_breaker_state{courier_client="consumer",server_address="http://127.0.0.1:4002",state="closed"} 0.0
            courier_breaker_state{courier_client="consumer",server_address="http://127.0.0.1:4002",state="half_open"} 0.0
            courier_breaker_state{courier_client="consumer",server_address="http://127.0.0.1:4002",state="open"} 1.0
            # HELP courier_breaker_transitions_total Changes of state of endpoint breakers
            courier_breaker_transitions_total{courier_client="consumer",from="closed",server_address="http://127.0.0.1:4002",to="open"} 1.0
            """;

    @TempDir
    Path registry;
    private final Vertx vertx = Vertx.vertx();
    private HttpServer server;
    private int port;

    @BeforeEach
    void serve() throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals("/metrics")) {
                request.response().putHeader("content-type", "text/plain; version=0.0.4").end(SCRAPE);
            } else {
                request.response().setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void showsEachEndpointsBreakerInTheStateItIsIn() throws Exception {
        Files.createDirectories(registry);
        Cli c = Cli.run("instances", "consumer", "--dir", registry.toString(),
                "--breakers", "http://127.0.0.1:" + port);
        assertThat(c.exit).as("%s", c).isZero();
        assertThat(c.out.toString()).contains("CLIENT", "ENDPOINT", "BREAKER")
                .containsPattern("consumer +http://127.0.0.1:4001 +closed")
                .containsPattern("consumer +http://127.0.0.1:4002 +open")
                .contains("(breakers: http://127.0.0.1:" + port + "/metrics)");
    }

    @Test
    void saysWhatToCheckWhenNothingAnswers() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Cli c = Cli.run("instances", "consumer", "--dir", registry.toString(), "--breakers", "http://127.0.0.1:" + port);
        assertThat(c.exit).as("%s", c).isEqualTo(1);
        assertThat(c.err.toString()).contains("Reading the breakers at http://127.0.0.1:" + port + "/metrics failed")
                .contains("serves its metrics");
    }

    @Test
    void readsEscapedLabelsAndSkipsOtherSeries() {
        assertThat(BreakerStates.parse("""
                courier_breaker_state{courier_client="a \\"b\\"",server_address="http://x:1",state="open"} 1
                courier_breaker_stateful{courier_client="no"} 1
                """)).containsExactly(new BreakerStates.Breaker("a \"b\"", "http://x:1", "open"));
    }
}
