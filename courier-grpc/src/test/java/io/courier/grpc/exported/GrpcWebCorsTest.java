package io.courier.grpc.exported;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.grpc.exported.stubs.Player;
import io.courier.http.Cors;
import io.courier.http.HttpTransportFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * gRPC-Web on the REST port under the server's {@link Cors} policy (and on a port of its own,
 * {@link GrpcWebCorsOnItsOwnPortTest}), called as a browser page of
 * another origin would: the preflight a gRPC-Web client sends is answered, the call's response
 * exposes {@code grpc-status} and {@code grpc-message}, and other origins get no CORS headers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcWebCorsTest {
    private static final String PAGE = "http://localhost:5173";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Courier server;

    /** The transports: gRPC on the REST port, under the REST server's policy. */
    Courier.Builder transports(Courier.Builder builder, Cors cors) {
        return builder.transport(HttpTransportFactory.builder().cors(cors).build()).transport(new GrpcTransportFactory());
    }

    /** The server's address as an http:// URI, as a page's gRPC-Web client calls it. */
    private java.net.URI web() {
        return java.net.URI.create("http://127.0.0.1:" + server.uri().getPort());
    }

    @BeforeAll
    void start() {
        server = transports(Courier.builder().name("web"), Cors.builder().allowOrigin(PAGE).build())
                .build()
                .serve(Scores.class, new Scores() {
                    @Override
                    public Score best(Player player) {
                        return new Score(player.name(), 99, Level.GOLD);
                    }

                    @Override
                    public Score find(String name, long min) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public Stream<Score> history(Player player) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public Total total(Stream<Score> scores) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public Stream<Score> ranked(Stream<Score> scores) {
                        throw new UnsupportedOperationException();
                    }
                });
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    private HttpResponse<byte[]> call(String origin) throws Exception {
        byte[] message = Player.newBuilder().setName("web").build().toByteArray();
        byte[] frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
        return http.send(HttpRequest.newBuilder(web().resolve("/scores.Scores/Best"))
                .header("content-type", "application/grpc-web+proto").header("x-grpc-web", "1").header("origin", origin)
                .POST(HttpRequest.BodyPublishers.ofByteArray(frame)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theBrowsersPreflightForGrpcWebIsAnswered() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(web().resolve("/scores.Scores/Best"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("origin", PAGE)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type,x-grpc-web,x-user-agent,grpc-timeout").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue(PAGE);
        assertThat(r.headers().firstValue("access-control-allow-headers")).hasValueSatisfying(v ->
                assertThat(v).contains("x-grpc-web", "content-type", "grpc-timeout", "x-user-agent"));
    }

    @Test
    void aCallFromTheAllowedOriginExposesTheGrpcStatus() throws Exception {
        HttpResponse<byte[]> r = call(PAGE);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).contains("grpc-status:0");
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue(PAGE);
        assertThat(r.headers().firstValue("access-control-expose-headers")).hasValueSatisfying(v ->
                assertThat(v.split(", ")).containsExactlyInAnyOrder("grpc-status", "grpc-message"));
    }

    @Test
    void anotherOriginGetsNoCorsHeadersAndNoPreflight() throws Exception {
        HttpResponse<byte[]> r = call("https://evil.example");
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(web().resolve("/scores.Scores/Best"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("origin", "https://evil.example")
                .header("access-control-request-method", "POST").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.headers().map().keySet()).noneMatch(h -> h.startsWith("access-control-"));
        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.headers().map().keySet()).noneMatch(h -> h.startsWith("access-control-"));
    }
}
