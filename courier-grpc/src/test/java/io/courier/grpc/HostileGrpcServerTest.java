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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

        Stream<Tick> ticks(Tick from);
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
                        "hostile.echo: a response message from grpc://127.0.0.1:" + server.actualPort() + ": more than ")
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
                        "hostile.echo: a response message from grpc://127.0.0.1:" + server.actualPort() + ": "
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

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "1.5"})
    void aGrpcStatusThatIsNotANumberIsUnknownAtOnce(String status) {
        answer = request -> grpc(request).write(frame(new byte[0]))
                .onSuccess(v -> request.response().putTrailer("grpc-status", status).end());

        assertFailsAtOnce(InternalException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.UNKNOWN);
            assertThat(e.getMessage()).isEqualTo("hostile.echo: grpc://127.0.0.1:" + server.actualPort()
                    + " answered grpc-status \"" + status + "\" (expected: a number, 0 for OK)");
        });
    }

    @Test
    void aLongGrpcStatusThatIsNotANumberIsNamedBounded() {
        answer = request -> grpc(request).putHeader("grpc-status", "x".repeat(2000))
                .putHeader("grpc-message", "why".repeat(700)).end();

        assertFailsAtOnce(InternalException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.UNKNOWN);
            assertThat(e.getMessage()).contains("answered grpc-status \"xxx").contains(", grpc-message \"whywhy")
                    .endsWith(" (expected: a number, 0 for OK)").hasSizeLessThan(400);
        });
    }

    @Test
    void anAnswerWithoutAGrpcStatusIsUnknownAtOnce() {
        answer = request -> grpc(request).write(frame(new byte[0])).onSuccess(v -> request.response().end());

        assertFailsAtOnce(InternalException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.UNKNOWN);
            assertThat(e.getMessage()).isEqualTo("hostile.echo: grpc://127.0.0.1:" + server.actualPort()
                    + " ended its answer without a grpc-status (expected: a grpc-status trailer)");
        });
    }

    @Test
    void aTrailersOnlyAnswerWithoutAGrpcStatusIsUnknownAtOnce() {
        answer = request -> grpc(request).putHeader("grpc-message", "no status here").end();

        assertFailsAtOnce(InternalException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.UNKNOWN);
            assertThat(e.getMessage()).isEqualTo("hostile.echo: grpc://127.0.0.1:" + server.actualPort()
                    + " ended its answer without a grpc-status, grpc-message \"no status here\""
                    + " (expected: a grpc-status trailer)");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "100%|100%",
        "bad %zz escape|bad %zz escape",
        "cut %4|cut %4",
        "half a euro %E2%82|half a euro \uFFFD",
        "caf%C3%A9 50%25|caf\u00E9 50%"})
    void aGrpcMessageWithBadPercentEncodingKeepsWhatItCannotDecode(String sent, String read) {
        answer = request -> grpc(request).putHeader("grpc-status", "5").putHeader("grpc-message", sent).end();

        assertFailsAtOnce(NotFoundException.class, e -> assertThat(e.getMessage()).isEqualTo(read));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "identity", "br"})
    void aMessageMarkedCompressedWithoutACompressingEncodingIsInternalAtOnce(String encoding) {
        answer = request -> {
            HttpServerResponse response = grpc(request);
            if (!encoding.isEmpty()) {
                response.putHeader("grpc-encoding", encoding);
            }
            response.write(Buffer.buffer().appendByte((byte) 1).appendInt(3).appendBytes(new byte[] {1, 2, 3}))
                    .onSuccess(v -> response.putTrailer("grpc-status", "0").end());
        };

        assertFailsAtOnce(InternalException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.INTERNAL);
            assertThat(e.getMessage()).isEqualTo("hostile.echo: a response message from grpc://127.0.0.1:"
                    + server.actualPort() + ": frame flagged compressed, but grpc-encoding is "
                    + (encoding.isEmpty() ? "absent" : encoding)
                    + " (expected: grpc-encoding gzip for a compressed message)");
        });
    }

    @Test
    void aMessageMarkedCompressedWithoutAnEncodingResetsTheStreamTheServerKeepsOpen() {
        java.util.concurrent.atomic.AtomicBoolean reset = new java.util.concurrent.atomic.AtomicBoolean();
        answer = request -> {
            HttpServerResponse response = grpc(request);
            response.exceptionHandler(e -> reset.set(e instanceof io.vertx.core.http.StreamResetException));
            // A compressed message, then nothing: the stream stays open on the server's side.
            response.write(Buffer.buffer().appendByte((byte) 1).appendInt(3).appendBytes(new byte[] {1, 2, 3}));
        };

        assertFailsAtOnce(InternalException.class, e -> assertThat(e.getMessage()).contains("frame flagged compressed"));
        io.courier.test.Await.until(Duration.ofSeconds(10), "the server's stream reset by the client", reset::get);
        answer = request -> grpc(request).write(received).onSuccess(v -> request.response()
                .putTrailer("grpc-status", "0").end());
        assertThat(echo.echo(new Echo.Tick(3, "again"))).as("the connection still serves calls")
                .isEqualTo(new Echo.Tick(3, "again"));
    }

    @Test
    void reservedFlagBitsAreInternalAtOnce() {
        answer = request -> grpc(request).write(Buffer.buffer().appendByte((byte) 2).appendInt(0))
                .onSuccess(v -> request.response().putTrailer("grpc-status", "0").end());

        assertFailsAtOnce(InternalException.class, e -> assertThat(e.getMessage()).isEqualTo(
                "hostile.echo: a response message from grpc://127.0.0.1:" + server.actualPort()
                        + ": frame flags 0x2 (expected: 0 or 1, the other bits are reserved)"));
    }

    @Test
    void anAnswerEndingInsideAMessageIsInternalAtOnce() {
        answer = request -> grpc(request).write(Buffer.buffer().appendByte((byte) 0).appendInt(10).appendBytes(new byte[3]))
                .onSuccess(v -> request.response().putTrailer("grpc-status", "0").end());

        assertFailsAtOnce(InternalException.class, e -> assertThat(e.getMessage()).startsWith(
                "hostile.echo: a response message from grpc://127.0.0.1:" + server.actualPort()
                        + ": the body ends inside a frame, 8 bytes after the last whole message"));
    }

    @Test
    void aStreamedAnswerIsReadNoFasterThanTheCallerTakesIt() {
        String label = "a".repeat(1000);
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        // Timer ticks in a row that found the server's write queue still full: held back, not just busy.
        java.util.concurrent.atomic.AtomicInteger fullTicks = new java.util.concurrent.atomic.AtomicInteger();
        answer = request -> {
            HttpServerResponse response = grpc(request);
            // Tick(0, label) in Protobuf: field 2, length 1000 as a varint, the label.
            Buffer message = frame(Buffer.buffer().appendByte((byte) 0x12).appendByte((byte) 0xE8).appendByte((byte) 0x07)
                    .appendString(label).getBytes());
            vertx.setPeriodic(1, timer -> {
                if (response.closed() || response.ended()) {
                    vertx.cancelTimer(timer);
                    return;
                }
                if (response.writeQueueFull()) {
                    fullTicks.incrementAndGet();
                    return;
                }
                fullTicks.set(0);
                while (!response.writeQueueFull()) {
                    response.write(message);
                    written.addAndGet(message.length());
                }
            });
        };

        try (Stream<Echo.Tick> ticks = echo.ticks(new Echo.Tick(0, ""))) {
            java.util.Iterator<Echo.Tick> it = ticks.iterator();
            for (int i = 0; i < 3; i++) {
                assertThat(it.next()).isEqualTo(new Echo.Tick(0, label));
            }
            io.courier.test.Await.until(Duration.ofSeconds(10), "the server held back by flow control",
                    () -> fullTicks.get() >= 200);
            assertThat(written.get()).as("bytes the server could write while the caller took 3 messages")
                    .isLessThan(8L << 20);
        }
    }

    /** Asserts the call fails with {@code type}, well before its deadline. */
    private <T extends Throwable> void assertFailsAtOnce(Class<T> type, java.util.function.Consumer<T> check) {
        long started = System.nanoTime();
        assertThatThrownBy(() -> echo.echo(new Echo.Tick(1, ""))).isInstanceOfSatisfying(type, check::accept);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("failed as it was read, not at the deadline")
                .isLessThan(Duration.ofSeconds(10));
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
