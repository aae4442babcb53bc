package io.courier.grpc.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.FailedPreconditionException;
import io.courier.Limits;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.spi.WireText;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Malformed gRPC framing and encodings, sent byte by byte over HTTP/2 and gRPC-Web (binary and
 * text, over HTTP/1.1): each call gets a status and message, its stream ends, and the server
 * answers the next well-behaved call within that call's deadline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WireFramingTest {
    private static final String SAY_HELLO = "/interop.Greeter/SayHello";
    private static final String OF = "request of interop.sayHello: ";
    private static final int LIMIT = 1024;

    /** How a call reaches the server. */
    enum Wire {
        HTTP2("application/grpc"), WEB("application/grpc-web+proto"), WEB_TEXT("application/grpc-web-text");

        final String contentType;

        Wire(String contentType) {
            this.contentType = contentType;
        }
    }

    /** What came back: grpc-status, the raw grpc-message, the response headers. */
    record Answer(int status, String rawMessage, MultiMap headers, byte[] message) {
    }

    private Courier server;
    private Vertx vertx;
    private HttpClient h2c;
    private HttpClient http11;
    private int port;

    @BeforeAll
    void start() {
        server = Courier.builder().name("framing").limits(Limits.builder().maxBodyBytes(LIMIT).build())
                .transport(GrpcTransportFactory.builder().build()).build();
        server.serve(Greeter.class, new HelloGreeter() {
            @Override
            public HelloReply sayHello(HelloRequest request) {
                if (request.getName().equals("long")) {
                    throw new FailedPreconditionException("x".repeat(100_000));
                }
                if (request.getName().startsWith("fail:")) {
                    throw new FailedPreconditionException(request.getName().substring(5));
                }
                return super.sayHello(request);
            }

            @Override
            public HelloReply collectHellos(Stream<HelloRequest> requests) {
                return sayHello(HelloRequest.newBuilder().setName(String.valueOf(requests.count())).build());
            }
        });
        port = server.address().getPort();
        vertx = Vertx.vertx();
        h2c = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        http11 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1));
    }

    @AfterAll
    void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (server != null) {
            server.close();
        }
    }

    // ---- compression -------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Wire.class)
    void compressedFlagWithoutEncodingIsInternal(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of(), frame(1, hello("x")));

        assertRefused(wire, answer, 13, OF + "frame flagged compressed, but grpc-encoding is absent"
                + " (expected: grpc-encoding gzip for a compressed message)");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void compressedFlagWithIdentityEncodingIsInternal(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of("grpc-encoding", "identity"), frame(1, hello("x")));

        assertRefused(wire, answer, 13, OF + "frame flagged compressed, but grpc-encoding is identity"
                + " (expected: grpc-encoding gzip for a compressed message)");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void bodyThatIsNotGzipIsInternal(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of("grpc-encoding", "gzip"), frame(1, hello("not gzip at all")));

        assertRefused(wire, answer, 13, OF + "compressed message is not valid gzip (Not in GZIP format)"
                + " (expected: a gzip stream, as grpc-encoding says)");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void gzipMessageIsRead(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of("grpc-encoding", "gzip"), frame(1, gzip(hello("zipped"))));

        assertThat(answer.status()).isZero();
        assertThat(HelloReply.parseFrom(answer.message()).getMessage()).isEqualTo("Hello zipped");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void gzipThatInflatesOverTheLimitIsResourceExhausted(Wire wire) throws Exception {
        byte[] bomb = gzip(HelloRequest.newBuilder().setName("z".repeat(LIMIT * 4)).build().toByteArray());

        Answer answer = call(wire, Map.of("grpc-encoding", "gzip"), frame(1, bomb));

        assertRefused(wire, answer, 8, OF + "more than 1024 bytes once inflated (expected: at most 1024"
                + " bytes, the server's maxBodyBytes)");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void unknownEncodingIsUnimplementedAndListsTheSupportedOnes(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of("grpc-encoding", "br"), frame(1, hello("x")));

        assertRefused(wire, answer, 12, "grpc-encoding: br (expected: one of gzip,identity)");
        assertThat(answer.headers().getAll("grpc-accept-encoding")).containsExactly("gzip,identity");
    }

    // ---- framing -----------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Wire.class)
    void secondMessageOfAUnaryCallIsInternal(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of(), concat(frame(0, hello("one")), frame(0, hello("two"))));

        assertRefused(wire, answer, 13, "interop.sayHello: too many request messages"
                + " (expected: exactly one for a unary call)");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void bytesAfterTheMessageAreInternal(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of(), concat(frame(0, hello("one")), new byte[] {0, 0, 0}));

        assertRefused(wire, answer, 13, OF + "the body ends inside a frame, 3 bytes after the last whole"
                + " message (expected: a 5-byte prefix and as many bytes as its length says)");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void noMessageIsInternal(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of(), new byte[0]);

        assertRefused(wire, answer, 13, "interop.sayHello: no request message"
                + " (expected: exactly one for a unary call)");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void reservedFlagBitsAreInternal(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of(), frame(0x80, hello("x")));

        assertRefused(wire, answer, 13, OF + "frame flags 0x80 (expected: 0 or 1, the other bits are reserved)");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void badFrameInAClientStreamEndsTheCall(Wire wire) throws Exception {
        byte[] body = concat(frame(0, hello("one")), frame(1, hello("compressed without an encoding")));

        Answer answer = call(wire, "/interop.Greeter/CollectHellos", Map.of(), body);

        assertRefused(wire, answer, 13, "request of interop.collectHellos: frame flagged compressed, but"
                + " grpc-encoding is absent (expected: grpc-encoding gzip for a compressed message)");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void clientStreamOfManyMessagesIsReadWhole(Wire wire) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            body.writeBytes(frame(0, hello("n" + i)));
        }

        Answer answer = call(wire, "/interop.Greeter/CollectHellos", Map.of(), body.toByteArray());

        assertThat(answer.status()).isZero();
        assertThat(HelloReply.parseFrom(answer.message()).getMessage()).isEqualTo("Hello 100");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void healthAndReflectionReadTheirBodiesTheSameWay(Wire wire) throws Exception {
        for (String path : new String[] {"/grpc.health.v1.Health/Check",
                "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"}) {
            Answer answer = call(wire, path, Map.of(), frame(1, new byte[0]));

            assertThat(answer.status()).as(path).isEqualTo(13);
            assertThat(answer.rawMessage()).isEqualTo("request of " + path + ": frame flagged compressed, but"
                    + " grpc-encoding is absent (expected: grpc-encoding gzip for a compressed message)");
        }
        Answer health = call(wire, "/grpc.health.v1.Health/Check", Map.of(), new byte[0]);
        assertThat(health.status()).isEqualTo(13);
        assertThat(health.rawMessage()).isEqualTo("grpc.health.v1.Health/Check: no request message (expected: exactly one)");
        assertStillServing(wire);
    }

    @Test
    void invalidBase64InWebTextIsInvalidArgument() throws Exception {
        Answer answer = send(Wire.WEB_TEXT, Map.of(), "AAAA*AAA".getBytes(StandardCharsets.US_ASCII));

        assertRefused(Wire.WEB_TEXT, answer, 3, OF + "gRPC-Web text body is not valid base64: character 0x2a at"
                + " offset 4");
    }

    @Test
    void webTextCutInsideABase64GroupIsInvalidArgument() throws Exception {
        byte[] text = Base64.getEncoder().encode(frame(0, hello("cut")));
        byte[] cut = java.util.Arrays.copyOf(text, text.length - 1);

        Answer answer = send(Wire.WEB_TEXT, Map.of(), cut);

        assertRefused(Wire.WEB_TEXT, answer, 3, OF + "gRPC-Web text body is not valid base64: 3 characters left"
                + " over at the end (expected: groups of 4, padded with '=')");
    }

    @Test
    void webTextWithAMessagePerPaddedGroupIsRead() throws Exception {
        // gRPC-Web text lets each message be encoded on its own, so '=' may come mid-body.
        byte[] one = Base64.getEncoder().encode(frame(0, hello("a")));
        assertThat(new String(one, StandardCharsets.US_ASCII)).endsWith("=");

        Answer answer = send(Wire.WEB_TEXT, Map.of(), concat(one, new byte[0]));

        assertThat(answer.status()).isZero();
        assertThat(HelloReply.parseFrom(answer.message()).getMessage()).isEqualTo("Hello a");
    }

    // ---- status messages ---------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Wire.class)
    void grpcMessageIsPercentEncodedOnlyWhereTheSpecSays(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of(), frame(0, hello("fail:state: 100% ready, café")));

        assertRefused(wire, answer, 9, "state: 100%25 ready, caf%C3%A9");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void longMessageIsTruncatedAndKeepsItsStatus(Wire wire) throws Exception {
        Answer answer = call(wire, Map.of(), frame(0, hello("long")));

        assertRefused(wire, answer, 9, "x".repeat(WireText.MAX_MESSAGE_BYTES - WireText.MARKER.length())
                + WireText.MARKER);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static byte[] hello(String name) {
        return HelloRequest.newBuilder().setName(name).build().toByteArray();
    }

    private static byte[] frame(int flags, byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) flags).putInt(message.length).put(message).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    private static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    /** The call ended with {@code status} and {@code message}, and the server still answers in time. */
    private void assertRefused(Wire wire, Answer answer, int status, String message) throws Exception {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.rawMessage()).isEqualTo(message);
        assertStillServing(wire);
    }

    /** A good call with a 5-second deadline after a bad one: the server must still answer in time. */
    private void assertStillServing(Wire wire) throws Exception {
        long start = System.nanoTime();
        Answer answer = call(wire, Map.of("grpc-timeout", "5S"), frame(0, hello("again")));

        assertThat(answer.status()).as("a good call after the bad one").isZero();
        assertThat(HelloReply.parseFrom(answer.message()).getMessage()).isEqualTo("Hello again");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    /** {@code body} as the wire carries it: base64 for gRPC-Web text. */
    private Answer call(Wire wire, Map<String, String> headers, byte[] body) throws Exception {
        return call(wire, SAY_HELLO, headers, body);
    }

    private Answer call(Wire wire, String path, Map<String, String> headers, byte[] body) throws Exception {
        return send(wire, path, headers, wire == Wire.WEB_TEXT ? Base64.getEncoder().encode(body) : body);
    }

    private Answer send(Wire wire, Map<String, String> headers, byte[] body) throws Exception {
        return send(wire, SAY_HELLO, headers, body);
    }

    /**
     * Sends {@code body} as it is, with a 5-second grpc-timeout unless {@code headers} has one,
     * and waits for the whole answer: getting it at all means the stream ended.
     */
    private Answer send(Wire wire, String path, Map<String, String> headers, byte[] body) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(path).putHeader("content-type", wire.contentType).putHeader("grpc-timeout", "5S");
        if (wire == Wire.HTTP2) {
            options.putHeader("te", "trailers");
        } else {
            options.putHeader("x-grpc-web", "1");
        }
        headers.forEach(options::putHeader);
        HttpClient client = wire == Wire.HTTP2 ? h2c : http11;
        record Raw(MultiMap headers, MultiMap trailers, byte[] body) {
        }
        Raw raw = client.request(options)
                .compose(req -> req.send(Buffer.buffer(body)).compose(r -> r.body().map(b -> new Raw(r.headers(),
                        r.trailers(), b.getBytes()))))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Map<String, String> trailers = new LinkedHashMap<>();
        byte[] message = null;
        if (wire == Wire.HTTP2) {
            raw.trailers().forEach(e -> trailers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
            if (raw.body().length >= 5) {
                message = java.util.Arrays.copyOfRange(raw.body(), 5, raw.body().length);
            }
        } else {
            ByteBuffer in = ByteBuffer.wrap(wire == Wire.WEB_TEXT ? decodeText(raw.body()) : raw.body());
            while (in.remaining() >= 5) {
                int flags = in.get() & 0xFF;
                byte[] payload = new byte[in.getInt()];
                in.get(payload);
                if ((flags & 0x80) == 0) {
                    message = payload;
                    continue;
                }
                for (String line : new String(payload, StandardCharsets.US_ASCII).split("\r\n")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        trailers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                line.substring(colon + 1).trim());
                    }
                }
            }
        }
        // Trailers-only: the status is in the headers.
        String status = trailers.getOrDefault("grpc-status", raw.headers().get("grpc-status"));
        String text = trailers.getOrDefault("grpc-message", raw.headers().get("grpc-message"));
        assertThat(status).as("grpc-status over %s", wire).isNotNull();
        return new Answer(Integer.parseInt(status), text, raw.headers(), message);
    }

    /** A gRPC-Web text answer: base64, padded frame by frame, so decoded four characters at a time. */
    private static byte[] decodeText(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String s = new String(text, StandardCharsets.US_ASCII).replaceAll("\\s", "");
        for (int i = 0; i + 4 <= s.length(); i += 4) {
            out.writeBytes(Base64.getDecoder().decode(s.substring(i, i + 4)));
        }
        return out.toByteArray();
    }
}
