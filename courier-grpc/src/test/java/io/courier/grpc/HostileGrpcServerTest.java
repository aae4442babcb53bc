package io.courier.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import io.courier.InternalException;
import io.courier.NotFoundException;
import io.courier.Status;
import io.courier.annotation.Service;
import io.courier.spi.WireText;
import io.courier.test.AllocatedBytes;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Courier gRPC client calling an HTTP/2 server that answers what no gRPC server should: the
 * caller gets a typed error at once (not at its deadline), with bounded text and memory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileGrpcServerTest {
    /** The contract the hostile server pretends to serve; public, as proxies are made for it. */
    @Service("hostile")
    public interface Echo {
        record Tick(long n, String label) {
        }

        Tick echo(Tick tick);
    }

    private Vertx vertx;
    private HttpServer server;
    private volatile Handler<HttpServerRequest> answer;
    /** The body of the request being answered. */
    private volatile Buffer received;
    private Courier courier;
    private Echo echo;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    received = body;
                    answer.handle(request);
                }))
                .listen(0, "127.0.0.1").await();
        courier = Courier.builder().name("hostile-grpc-client").build();
        // Long enough that an answer at the deadline fails the test's own expectations.
        echo = courier.client(Echo.class).target(URI.create("grpc://127.0.0.1:" + server.actualPort()))
                .deadline(Duration.ofSeconds(20)).build();
    }

    @AfterEach
    void stop() {
        courier.close();
        vertx.close().await();
    }

    @Test
    void aUnaryCallAnsweredWithEndlessMessagesFailsAtTheSecondAndKeepsNone() {
        answer = request -> {
            HttpServerResponse response = grpc(request);
            Buffer message = frame(new byte[1024]);
            vertx.setPeriodic(1, timer -> {
                if (response.closed() || response.ended()) {
                    vertx.cancelTimer(timer);
                    return;
                }
                while (!response.writeQueueFull()) {
                    response.write(message);
                }
            });
        };
        long before = AllocatedBytes.total();

        assertThatThrownBy(() -> echo.echo(new Echo.Tick(1, ""))).isInstanceOfSatisfying(InternalException.class,
                e -> assertThat(e.getMessage()).isEqualTo("hostile.echo: more than one response message from grpc://127.0.0.1:"
                        + server.actualPort() + " (expected: exactly one)"));
        assertThat(AllocatedBytes.total() - before).isLessThan(64L << 20);
    }

    @Test
    void aStatusOutsideTheGrpcCodesIsUnknownAtOnce() {
        answer = request -> {
            HttpServerResponse response = grpc(request);
            response.putTrailer("grpc-status", "99").putTrailer("grpc-message", "status 99").end();
        };

        assertThatThrownBy(() -> echo.echo(new Echo.Tick(1, ""))).isInstanceOfSatisfying(InternalException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.UNKNOWN);
            assertThat(e.getMessage()).isEqualTo("status 99");
        });
    }

    @Test
    void aLongGrpcMessageIsCutAsAServerCutsIt() {
        answer = request -> {
            HttpServerResponse response = grpc(request);
            response.putTrailer("grpc-status", "5").putTrailer("grpc-message", "m".repeat(7000)).end();
        };

        assertThatThrownBy(() -> echo.echo(new Echo.Tick(1, ""))).isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.getMessage()).hasSize(WireText.MAX_MESSAGE_BYTES).startsWith("mmm").endsWith(WireText.MARKER);
        });
    }

    @Test
    void aGzipBombIsInflatedNoFurtherThanTheMessageLimit() throws Exception {
        // 64 MB of zeros in about 64 KB, which a client that inflated it whole would hold.
        byte[] bomb = gzip(new byte[64 << 20]);
        answer = request -> grpc(request).putHeader("grpc-encoding", "gzip")
                .write(Buffer.buffer().appendByte((byte) 1).appendInt(bomb.length).appendBytes(bomb))
                .onSuccess(v -> request.response().putTrailer("grpc-status", "0").end());
        long before = AllocatedBytes.total();
        long started = System.nanoTime();

        assertThatThrownBy(() -> echo.echo(new Echo.Tick(1, ""))).isInstanceOfSatisfying(
                io.courier.ResourceExhaustedException.class, e -> assertThat(e.getMessage()).startsWith(
                        "hostile.echo: a response message from grpc://127.0.0.1:" + server.actualPort() + " of more than ")
                        .contains("bytes once inflated"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused as it is read, not at the deadline")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(AllocatedBytes.total() - before).as("inflated no further than the limit").isLessThan(48L << 20);
    }

    @Test
    void aGzipAnswerWithinTheLimitIsRead() {
        answer = request -> {
            byte[] zipped;
            try {
                zipped = gzip(received.getBytes(5, received.length())); // the request's message, sent back compressed
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            grpc(request).putHeader("grpc-encoding", "gzip")
                    .write(Buffer.buffer().appendByte((byte) 1).appendInt(zipped.length).appendBytes(zipped))
                    .onSuccess(v -> request.response().putTrailer("grpc-status", "0").end());
        };

        assertThat(echo.echo(new Echo.Tick(7, "zipped"))).isEqualTo(new Echo.Tick(7, "zipped"));
    }

    @Test
    void aMessageOverTheClientsLimitIsSaidToBe() {
        int max = io.courier.Limits.defaults().maxBodyBytes();
        answer = request -> grpc(request).write(frame(new byte[max + 1]))
                .onSuccess(v -> request.response().putTrailer("grpc-status", "0").end());

        assertThatThrownBy(() -> echo.echo(new Echo.Tick(1, ""))).isInstanceOfSatisfying(
                io.courier.ResourceExhaustedException.class, e -> assertThat(e.getMessage()).isEqualTo(
                        "hostile.echo: a response message from grpc://127.0.0.1:" + server.actualPort() + " of "
                                + (max + 1) + " bytes (expected: at most " + max + " bytes, the client's maxBodyBytes)"));
    }

    @Test
    void anAnswerTheClientCannotReadIsTheServersFault() {
        answer = request -> grpc(request).write(frame(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .onSuccess(v -> request.response().putTrailer("grpc-status", "0").end());

        assertThatThrownBy(() -> echo.echo(new Echo.Tick(1, ""))).isInstanceOfSatisfying(InternalException.class,
                e -> assertThat(e.getMessage()).startsWith("hostile.echo: unreadable response from grpc://127.0.0.1:"
                        + server.actualPort() + ": "));
    }

    private static byte[] gzip(byte[] plain) throws java.io.IOException {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(plain);
        }
        return zipped.toByteArray();
    }

    private static HttpServerResponse grpc(HttpServerRequest request) {
        return request.response().putHeader("content-type", "application/grpc");
    }

    /** One uncompressed length-prefixed message. */
    private static Buffer frame(byte[] message) {
        return Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
    }
}
