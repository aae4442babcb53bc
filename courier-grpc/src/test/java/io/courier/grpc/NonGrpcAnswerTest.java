package io.courier.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import io.courier.CourierException;
import io.courier.Status;
import io.courier.test.Await;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Courier gRPC client answered by what is not a gRPC server, as a proxy, a load balancer or
 * a plain web server in front of one answers: the caller gets at once the status gRPC's
 * HTTP-to-status table gives, with a message naming the HTTP status and the content type.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NonGrpcAnswerTest {
    private Vertx vertx;
    private HttpServer server;
    private volatile Handler<HttpServerRequest> answer;
    private Courier courier;
    private HostileGrpcServerTest.Echo echo;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                .requestHandler(request -> request.body().onSuccess(body -> answer.handle(request)))
                .listen(0, "127.0.0.1").await();
        courier = Courier.builder().name("non-grpc-answers").build();
        // Long enough that an answer at the deadline fails the test's own expectations.
        echo = courier.client(HostileGrpcServerTest.Echo.class)
                .target(URI.create("grpc://127.0.0.1:" + server.actualPort())).deadline(Duration.ofSeconds(20)).build();
    }

    @AfterEach
    void stop() {
        courier.close();
        vertx.close().await();
    }

    @ParameterizedTest(name = "HTTP {0} {1}: {2}")
    @CsvSource({
        "503, text/html, UNAVAILABLE, true",
        "502, text/html, UNAVAILABLE, true",
        "504, text/plain, UNAVAILABLE, true",
        "429, application/json, UNAVAILABLE, true",
        "400, text/plain, INTERNAL, false",
        "401, text/html, UNAUTHENTICATED, false",
        "403, text/html, PERMISSION_DENIED, false",
        "404, text/html, UNIMPLEMENTED, false",
        "500, text/html, UNKNOWN, false",
        "503, application/grpc, UNAVAILABLE, true",
        "200, text/html, UNKNOWN, false",
        "200, application/grpc-web, UNKNOWN, false"})
    void aNonGrpcAnswerHasTheStatusGrpcMapsItToAtOnce(int http, String contentType, Status status, boolean retrySafe) {
        answer = request -> request.response().setStatusCode(http).putHeader("content-type", contentType)
                .end("<html><body>" + "busy ".repeat(2000) + "</body></html>");

        assertFailsAtOnce(e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.retrySafe()).as("retry-safe").isEqualTo(retrySafe);
            assertThat(e.getMessage()).isEqualTo("hostile.echo: grpc://127.0.0.1:" + server.actualPort() + " answered HTTP "
                    + http + " with content-type \"" + contentType + "\", not gRPC (expected: HTTP 200 with content-type"
                    + " application/grpc)");
        });
    }

    @Test
    void aNonGrpcHttpStatusWinsOverAGrpcStatus() {
        answer = request -> request.response().setStatusCode(503).putHeader("content-type", "application/grpc")
                .putHeader("grpc-status", "0").end();

        assertFailsAtOnce(e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE));
    }

    @Test
    void anAnswerWithoutAContentTypeIsNamedSo() {
        answer = request -> request.response().setStatusCode(200).end();

        assertFailsAtOnce(e -> assertThat(e.getMessage()).isEqualTo("hostile.echo: grpc://127.0.0.1:"
                + server.actualPort() + " answered HTTP 200 with no content-type, not gRPC (expected: HTTP 200 with"
                + " content-type application/grpc)"));
    }

    @Test
    void aContentTypeOfAnyLengthIsNamedBounded() {
        answer = request -> request.response().setStatusCode(503).putHeader("content-type", "text/" + "x".repeat(3000)).end();

        assertFailsAtOnce(e -> assertThat(e.getMessage()).hasSizeLessThan(300).contains("answered HTTP 503 with content-type"));
    }

    @Test
    void aNonGrpcAnswerWhoseBodyNeverEndsIsResetAndTheConnectionServesTheNextCall() {
        AtomicBoolean reset = new AtomicBoolean();
        answer = request -> {
            request.response().exceptionHandler(e -> reset.set(e instanceof StreamResetException));
            // A proxy's error page that never ends.
            request.response().setStatusCode(503).putHeader("content-type", "text/html").write("<html>");
        };

        assertFailsAtOnce(e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE));
        Await.until(Duration.ofSeconds(10), "the server's stream reset by the client", reset::get);
        answer = request -> request.response().setStatusCode(404).putHeader("content-type", "text/plain").end("gone");
        assertFailsAtOnce(e -> assertThat(e.status()).isEqualTo(Status.UNIMPLEMENTED));
    }

    /** Asserts the call fails with a Courier error, well before its deadline. */
    private void assertFailsAtOnce(java.util.function.Consumer<CourierException> check) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> echo.echo(new HostileGrpcServerTest.Echo.Tick(1, "")))
                .isInstanceOfSatisfying(CourierException.class, check::accept);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("failed as it was read, not at the deadline")
                .isLessThan(Duration.ofSeconds(10));
    }
}
