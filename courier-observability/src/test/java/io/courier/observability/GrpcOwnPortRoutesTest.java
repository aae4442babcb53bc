package io.courier.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.Cors;
import io.courier.http.ServerLimits;
import io.courier.http.testing.Sockets;
import io.courier.test.Await;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scrape and the probes on the port of gRPC served alone ({@code GrpcTransportFactory}
 * without a REST transport): plain HTTP GETs of {@code /health/live}, {@code /health/ready} and
 * {@code /metrics} are answered on the port where stock grpc-java calls the service, under the
 * limits and cross-origin policy given to the gRPC factory; every other request is still gRPC's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcOwnPortRoutesTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final String ORIGIN = "https://app.example.com";
    /** {@code shop.Shop/Item} with its messages as bytes: the request's field 1 is the sku, the answer's the text. */
    private static final MethodDescriptor<byte[], byte[]> ITEM = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("shop.Shop/Item")
            .setRequestMarshaller(Bytes.INSTANCE).setResponseMarshaller(Bytes.INSTANCE).build();

    private final HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void probesAndTheScrapeAnswerOverHttpOnTheGrpcPortWhileGrpcJavaIsServed() throws Exception {
        CourierMetrics metrics = CourierMetrics.builder().build();
        AtomicBoolean cacheWarm = new AtomicBoolean(true);
        try (Courier c = Courier.builder().name("shop").serverInterceptor(metrics.serverInterceptor())
                .transport(GrpcTransportFactory.builder().build())
                .transport(ObservabilityRoutes.builder().metrics(metrics).readiness("cache", cacheWarm::get).build())
                .build().serve(Shop.class, sku -> "item " + sku)) {
            assertThat(c.uris()).hasSize(2).allMatch(u -> u.getScheme().equals("grpc") || u.getScheme().equals("inproc"));
            URI port = URI.create("http://127.0.0.1:" + c.uri().getPort());
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", c.uri().getPort()).usePlaintext().build();
            try {
                for (String sku : new String[] {"a", "b", "c"}) {
                    assertThat(ClientCalls.blockingUnaryCall(channel, ITEM, CallOptions.DEFAULT.withDeadlineAfter(10,
                            TimeUnit.SECONDS), message(sku))).isEqualTo(message("item " + sku));
                }
                HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS);
                assertThat(health.check(HealthCheckRequest.newBuilder().setService("shop.Shop").build()).getStatus())
                        .isEqualTo(ServingStatus.SERVING);

                HttpResponse<String> live = get(port, "/health/live");
                assertThat(live.statusCode()).isEqualTo(200);
                assertThat(live.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
                assertThat(live.body()).isEqualTo("live\n");
                HttpResponse<String> ready = get(port, "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(ready.body()).isEqualTo("ready\n");
                HttpResponse<String> scrape = get(port, "/metrics");
                assertThat(scrape.statusCode()).isEqualTo(200);
                assertThat(scrape.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
                assertThat(Scrape.parse(scrape.body()).value("rpc_server_duration_seconds_count", Map.of("rpc_system",
                        "grpc", "rpc_service", "shop", "rpc_method", "item", "rpc_response_status_code", "OK")))
                        .isEqualTo(3);

                // Over HTTP/2 too (the JDK's client upgrades a cleartext connection with h2c).
                HttpResponse<String> ready2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()
                        .send(HttpRequest.newBuilder(port.resolve("/health/ready")).build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(ready2.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(ready2.body()).isEqualTo("ready\n");

                cacheWarm.set(false);
                HttpResponse<String> notReady = get(port, "/health/ready");
                assertThat(notReady.statusCode()).isEqualTo(503);
                assertThat(notReady.body()).isEqualTo("not ready: cache\n");
                assertThat(health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus())
                        .isEqualTo(ServingStatus.NOT_SERVING);
                cacheWarm.set(true);

                // What the routes do not take is gRPC's, which refuses a request that is not gRPC as on its port before.
                for (HttpRequest other : new HttpRequest[] {
                        HttpRequest.newBuilder(port.resolve("/nothing/here")).build(),
                        HttpRequest.newBuilder(port.resolve("/health/ready")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpRequest.newBuilder(port.resolve("/metrics/")).build()}) {
                    HttpResponse<String> refused = http1.send(other, HttpResponse.BodyHandlers.ofString());
                    assertThat(refused.statusCode()).as(other.toString()).isEqualTo(415);
                    assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
                    assertThat(refused.headers().firstValue("grpc-status")).hasValue("3");
                    assertThat(refused.body()).contains("\"code\":\"INVALID_ARGUMENT\"")
                            .contains("(expected: gRPC over HTTP/2: application/grpc");
                }
                // gRPC on the same port as before: an unknown method is UNIMPLEMENTED, a known one answered.
                MethodDescriptor<byte[], byte[]> unknown = ITEM.toBuilder().setFullMethodName("shop.Shop/Nothing").build();
                assertThat(catchThrowableOfType(StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(channel, unknown, CallOptions.DEFAULT, message("a")))
                        .getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                assertThat(ClientCalls.blockingUnaryCall(channel, ITEM, CallOptions.DEFAULT, message("d")))
                        .isEqualTo(message("item d"));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theRoutesOnTheGrpcPortAreUnderItsLimitsAndPolicy() throws Exception {
        Duration timeout = Duration.ofMillis(500);
        try (Courier c = Courier.builder().name("shop")
                .transport(GrpcTransportFactory.builder()
                        .limits(ServerLimits.builder().requestReadTimeout(timeout).build())
                        .cors(Cors.builder().allowOrigin(ORIGIN).build()).build())
                .transport(ObservabilityRoutes.builder().build())
                .build().serve(Shop.class, sku -> "item " + sku);
             Socket silent = new Socket(); Socket smuggling = new Socket()) {
            URI port = URI.create("http://127.0.0.1:" + c.uri().getPort());
            // The gRPC factory's CORS policy: a page of the allowed origin may read the probe.
            HttpResponse<String> ready = http1.send(HttpRequest.newBuilder(port.resolve("/health/ready"))
                    .header("Origin", ORIGIN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);

            // Its read timeout: a connection that sends nothing is cut from its accept while the probes answer.
            silent.connect(new InetSocketAddress("127.0.0.1", c.uri().getPort()), 5_000);
            long start = System.nanoTime();
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            Await.until(PATIENCE, "the silent connection closed", () -> Sockets.closedByServer(silent));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout.dividedBy(2));

            // Its strict HTTP/1.x decoding: a length and chunks together is 400 and the connection closed.
            smuggling.connect(new InetSocketAddress("127.0.0.1", c.uri().getPort()), 5_000);
            OutputStream out = smuggling.getOutputStream();
            out.write(("GET /health/ready HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            smuggling.setSoTimeout(5_000);
            String answer = new String(smuggling.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400 ").doesNotContain("ready\n");
        }
    }

    private HttpResponse<String> get(URI port, String path) throws IOException, InterruptedException {
        return http1.send(HttpRequest.newBuilder(port.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A message whose field 1 is {@code text}. */
    private static byte[] message(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[2 + utf8.length];
        bytes[0] = 0x0A;
        bytes[1] = (byte) utf8.length;
        System.arraycopy(utf8, 0, bytes, 2, utf8.length);
        return bytes;
    }

    private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
