package io.courier.grpc.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.Limits;
import io.courier.grpc.GrpcTransportFactory;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What reaches a Courier gRPC server byte by byte: gRPC-Web calls over plain HTTP/1.1 (binary
 * and text), bad frames and messages that must get the right status while the server goes on
 * serving, and the standard health service as grpc-java's own stub sees it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WireLevelTest {
    private static final String SAY_HELLO = "/interop.Greeter/SayHello";

    private Courier server;
    private Vertx vertx;
    private HttpClient h2c;
    private int port;

    @BeforeAll
    void start() {
        server = Courier.builder().name("wire").limits(Limits.builder().maxBodyBytes(1024).build())
                .transport(GrpcTransportFactory.builder().build()).build();
        server.serve(Greeter.class, new HelloGreeter() {
            @Override
            public Stream<HelloReply> sayHelloStream(HelloRequest request) {
                return Stream.of(sayHello(request), sayHello(request));
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

    // ---- gRPC-Web over HTTP/1.1 --------------------------------------------------------------

    @Test
    void grpcWebBinaryCallOverHttp11() throws Exception {
        byte[] body = frame(0, HelloRequest.newBuilder().setName("web").build().toByteArray());

        HttpResponse<byte[]> response = http11(SAY_HELLO, "application/grpc-web+proto", body);

        assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
        assertThat(response.statusCode()).isEqualTo(200);
        WebFrames frames = WebFrames.parse(response.body());
        assertThat(HelloReply.parseFrom(frames.message).getMessage()).isEqualTo("Hello web");
        assertThat(frames.trailers).containsEntry("grpc-status", "0");
    }

    @Test
    void grpcWebTextCallOverHttp11() throws Exception {
        byte[] body = Base64.getEncoder().encode(frame(0, HelloRequest.newBuilder().setName("text").build().toByteArray()));

        HttpResponse<byte[]> response = http11(SAY_HELLO, "application/grpc-web-text", body);

        assertThat(response.statusCode()).isEqualTo(200);
        WebFrames frames = WebFrames.parse(decodeText(response.body()));
        assertThat(HelloReply.parseFrom(frames.message).getMessage()).isEqualTo("Hello text");
        assertThat(frames.trailers).containsEntry("grpc-status", "0");
    }

    @Test
    void grpcWebErrorCarriesTheStatusInTrailers() throws Exception {
        HttpResponse<byte[]> response = http11("/interop.Greeter/Nope", "application/grpc-web+proto", frame(0, new byte[0]));

        String status = response.headers().firstValue("grpc-status")
                .orElseGet(() -> WebFrames.parse(response.body()).trailers.get("grpc-status"));
        assertThat(status).isEqualTo("12");
    }

    // ---- bad input over HTTP/2 ---------------------------------------------------------------

    @Test
    void truncatedFrameIsInternal() throws Exception {
        byte[] whole = frame(0, HelloRequest.newBuilder().setName("cut").build().toByteArray());
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 2);

        assertThat(status(SAY_HELLO, "application/grpc", cut)).isEqualTo(13);
        assertStillServing();
    }

    @Test
    void lengthPrefixLongerThanTheDataIsInternal() throws Exception {
        byte[] message = HelloRequest.newBuilder().setName("long").build().toByteArray();
        byte[] lying = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length + 100).put(message).array();

        assertThat(status(SAY_HELLO, "application/grpc", lying)).isEqualTo(13);
        assertStillServing();
    }

    @Test
    void lengthPrefixShorterThanTheDataIsInternal() throws Exception {
        byte[] json = "{\"name\":\"short\"}".getBytes(StandardCharsets.UTF_8);
        byte[] lying = ByteBuffer.allocate(5 + json.length).put((byte) 0).putInt(3).put(json).array();

        assertThat(status(SAY_HELLO, "application/grpc+json", lying)).isEqualTo(13);
        assertStillServing();
    }

    @Test
    void invalidProtobufIsInvalidArgument() throws Exception {
        byte[] garbage = frame(0, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0A, 0x7F});

        assertThat(status(SAY_HELLO, "application/grpc", garbage)).isEqualTo(3);
        assertStillServing();
    }

    @Test
    void unknownMethodAndServiceAreUnimplemented() throws Exception {
        assertThat(status("/interop.Greeter/Nope", "application/grpc", frame(0, new byte[0]))).isEqualTo(12);
        assertThat(status("/nowhere.Nothing/Nope", "application/grpc", frame(0, new byte[0]))).isEqualTo(12);
        assertStillServing();
    }

    @Test
    void oversizeMessageIsResourceExhausted() throws Exception {
        byte[] big = HelloRequest.newBuilder().setName("x".repeat(4096)).build().toByteArray();

        assertThat(status(SAY_HELLO, "application/grpc", frame(0, big))).isEqualTo(8);
        assertStillServing();
    }

    // ---- health ------------------------------------------------------------------------------

    @Test
    void healthServiceAnswersGrpcJavasStub() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

            assertThat(health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            assertThat(health.check(HealthCheckRequest.newBuilder().setService("interop.Greeter").build()).getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            io.grpc.StatusRuntimeException unknown = org.assertj.core.api.Assertions.catchThrowableOfType(
                    io.grpc.StatusRuntimeException.class,
                    () -> health.check(HealthCheckRequest.newBuilder().setService("no.Such").build()));
            assertThat(unknown.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void assertStillServing() throws Exception {
        byte[] ok = frame(0, HelloRequest.newBuilder().setName("again").build().toByteArray());
        assertThat(status(SAY_HELLO, "application/grpc", ok)).as("a good call after the bad one").isZero();
    }

    private static byte[] frame(int flags, byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) flags).putInt(message.length).put(message).array();
    }

    /** The grpc-status of a raw HTTP/2 call with {@code body} as the request's bytes. */
    private int status(String path, String contentType, byte[] body) throws Exception {
        HttpClientResponse response = h2c.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                        .setPort(port).setURI(path).putHeader("content-type", contentType).putHeader("te", "trailers"))
                .compose(req -> req.send(Buffer.buffer(body)).compose(r -> r.body().map(b -> r)))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String status = response.getHeader("grpc-status");
        if (status == null) {
            status = response.getTrailer("grpc-status");
        }
        assertThat(status).as("grpc-status of %s", path).isNotNull();
        return Integer.parseInt(status);
    }

    private HttpResponse<byte[]> http11(String path, String contentType, byte[] body) throws Exception {
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("content-type", contentType).header("x-grpc-web", "1")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    /** A gRPC-Web-text body: base64, padded frame by frame, so decoded four characters at a time. */
    private static byte[] decodeText(byte[] text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        String s = new String(text, StandardCharsets.US_ASCII).replaceAll("\\s", "");
        for (int i = 0; i + 4 <= s.length(); i += 4) {
            out.writeBytes(Base64.getDecoder().decode(s.substring(i, i + 4)));
        }
        return out.toByteArray();
    }

    /** A gRPC-Web response body: data frames, then a trailer frame (flag 0x80) of header lines. */
    private record WebFrames(byte[] message, Map<String, String> trailers) {
        static WebFrames parse(byte[] body) {
            ByteBuffer in = ByteBuffer.wrap(body);
            byte[] message = null;
            Map<String, String> trailers = new LinkedHashMap<>();
            while (in.remaining() >= 5) {
                int flags = in.get() & 0xFF;
                byte[] payload = new byte[in.getInt()];
                in.get(payload);
                if ((flags & 0x80) != 0) {
                    for (String line : new String(payload, StandardCharsets.US_ASCII).split("\r\n")) {
                        int colon = line.indexOf(':');
                        if (colon > 0) {
                            trailers.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                                    line.substring(colon + 1).trim());
                        }
                    }
                } else {
                    message = payload;
                }
            }
            return new WebFrames(message, trailers);
        }
    }
}
