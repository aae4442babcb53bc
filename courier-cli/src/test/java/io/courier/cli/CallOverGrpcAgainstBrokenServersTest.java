package io.courier.cli;

import static io.courier.cli.CallAgainstBrokenServersTest.assertNoControlCharacters;
import static io.courier.cli.CallAgainstBrokenServersTest.runWithin;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code courier call --transport grpc} against servers that serve a bad {@code .proto} or a bad
 * gRPC answer (HTTP/2 cleartext on loopback, written here): a clear message and exit 1, a bounded
 * read, nothing a terminal obeys.
 */
class CallOverGrpcAgainstBrokenServersTest {
    private static final String PROTO = "syntax = \"proto3\";\npackage greeter;\nservice Greeter {\n"
            + "  rpc Greet (Person) returns (Greeting);\n}\n";

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Serves {@code proto} at /contracts/greeter.proto and answers gRPC calls with {@code grpc}; its grpc:// URL. */
    private String serve(String proto, Consumer<HttpServerRequest> grpc) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals("/contracts/greeter.proto")) {
                request.response().putHeader("content-type", "text/plain").end(proto);
            } else {
                grpc.accept(request);
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return "grpc://127.0.0.1:" + server.actualPort();
    }

    private static void answer(HttpServerRequest request, Buffer body, String status, String message) {
        var response = request.response().putHeader("content-type", "application/grpc+json");
        response.putTrailer("grpc-status", status);
        if (message != null) {
            response.putTrailer("grpc-message", message);
        }
        response.end(body);
    }

    private static Buffer frame(String json) {
        byte[] m = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Buffer.buffer().appendByte((byte) 0).appendInt(m.length).appendBytes(m);
    }

    @Test
    void aMessageLongerThanWhatFollowsIsMalformedNotCutShort() throws Exception {
        String target = serve(PROTO, r -> answer(r, Buffer.buffer().appendByte((byte) 0).appendInt(Integer.MAX_VALUE)
                .appendString("{}"), "0", null));
        Cli c = runWithin("call", "greeter", "greet", "{}", "--target", target, "--timeout", "5");
        assertThat(c.exit).as("%s", c).isEqualTo(1);
        assertThat(c.err.toString()).contains("gRPC " + target + "/greeter.Greeter/Greet: the answer's message 1 declares"
                + " 2147483647 bytes, 2 follow (expected: gRPC messages");

        String cut = serve(PROTO, r -> answer(r, frame("{\"text\":\"hi\"}").appendBytes(new byte[] {0, 0}), "0", null));
        Cli c2 = runWithin("call", "greeter", "greet", "{}", "--target", cut, "--timeout", "5");
        assertThat(c2.exit).as("%s", c2).isEqualTo(1);
        assertThat(c2.err.toString()).contains("the answer's message 2 ends after 2 byte(s) of a 5-byte message header");
    }

    @Test
    void messagesPastTheBoundAreRefused() throws Exception {
        String big = "\"" + "x".repeat(1 << 20) + "\"";
        String target = serve(PROTO, r -> {
            Buffer all = Buffer.buffer();
            for (int i = 0; i < 20; i++) {
                all.appendBuffer(frame(big));
            }
            answer(r, all, "0", null);
        });
        Cli c = runWithin("call", "greeter", "greet", "{}", "--target", target, "--timeout", "10");
        assertThat(c.exit).as("exit").isEqualTo(1);
        assertThat(c.out.toString()).isEmpty();
        assertThat(c.err.toString()).contains("the answer is larger than 16 MiB (expected: at most 16 MiB of messages");
    }

    @Test
    void messagesThatNeverEndStopAtTheTimeout() throws Exception {
        String target = serve(PROTO, r -> {
            var response = r.response().putHeader("content-type", "application/grpc+json").setChunked(true);
            vertx.setPeriodic(50, t -> {
                if (!response.closed()) {
                    response.write(frame("{}"));
                }
            });
        });
        long start = System.nanoTime();
        Cli c = runWithin("call", "greeter", "greet", "{}", "--target", target, "--timeout", "1");
        assertThat(c.exit).as("%s", c).isEqualTo(1);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(6));
        assertThat(c.err.toString()).contains("the answer began but did not end within 1 s");
    }

    @Test
    void aServedProtoOfBlankLinesIsReadInLinearTime() throws Exception {
        String target = serve("\n".repeat(1 << 20) + PROTO, r -> answer(r, frame("{\"text\":\"hi\"}"), "0", null));
        Cli c = runWithin("call", "greeter", "greet", "{}", "--target", target, "--timeout", "5");
        assertThat(c.exit).as("%s", c).isZero();
        assertThat(c.out.toString()).contains("\"text\" : \"hi\"");
    }

    @Test
    void aServedProtoPastTheBoundOrWithoutAServiceSaysSo() throws Exception {
        String huge = serve("// " + "x".repeat(5 << 20) + "\n" + PROTO, r -> answer(r, frame("{}"), "0", null));
        Cli c = runWithin("call", "greeter", "greet", "{}", "--target", huge, "--timeout", "5");
        assertThat(c.exit).as("%s", c).isEqualTo(1);
        assertThat(c.err.toString()).contains("/contracts/greeter.proto: the answer is larger than 4 MiB");

        String none = serve("\u0000\u0001 garbage", r -> answer(r, frame("{}"), "0", null));
        Cli c2 = runWithin("call", "greeter", "greet", "{}", "--target", none, "--timeout", "5");
        assertThat(c2.exit).as("%s", c2).isEqualTo(1);
        assertThat(c2.err.toString()).contains("/contracts/greeter.proto: no service declared in the .proto file");
    }

    @Test
    void controlCharactersInAStatusMessageArePrintedEscaped() throws Exception {
        String target = serve(PROTO, r -> answer(r, Buffer.buffer(), "5", "gone%1B%5B2J%07"));
        Cli c = runWithin("call", "greeter", "greet", "{}", "--target", target, "--timeout", "5");
        assertThat(c.exit).as("%s", c).isEqualTo(1);
        assertThat(c.err.toString()).contains("NOT_FOUND (gRPC 5)", "  gone\\x1b[2J\\x07");
        assertNoControlCharacters(c);
    }
}
