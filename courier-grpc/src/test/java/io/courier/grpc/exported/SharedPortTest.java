package io.courier.grpc.exported;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.grpc.exported.stubs.Player;
import io.courier.grpc.exported.stubs.ScoresGrpc;
import io.courier.http.HttpTransportFactory;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * One {@code Courier} with {@code courier-http} and {@code courier-grpc} answers REST, gRPC and
 * gRPC-Web on one port: {@link Courier#uri()}'s, which is its {@code http} URI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedPortTest {
    /** A REST contract served next to {@link Scores}; public, as the dispatcher invokes it. */
    @Service("board")
    public interface Board {
        @Get("/board/{player}")
        Scores.Score top(@Path("player") String player);
    }

    private Courier server;
    private Courier grpcClients;
    private ManagedChannel channel;
    private int port;

    @BeforeAll
    void start() {
        // Both found on the class path, as an application would have them.
        server = Courier.builder().name("one-port").build();
        server.serve(Board.class, player -> new Scores.Score(player, 7, Scores.Level.BRONZE));
        server.serve(Scores.class, new Scores() {
            @Override
            public Score best(Player player) {
                return new Score(player.name(), 99, Level.GOLD);
            }

            @Override
            public Score find(String name, long min) {
                return new Score(name, min, Level.BRONZE);
            }

            @Override
            public Stream<Score> history(Player player) {
                return LongStream.rangeClosed(1, player.count()).mapToObj(n -> new Score(player.name(), n, Level.BRONZE));
            }

            @Override
            public Total total(Stream<Score> scores) {
                List<Score> all = scores.toList();
                return new Total(all.stream().mapToLong(Score::points).sum(), all.size(), Optional.empty(), Instant.EPOCH);
            }

            @Override
            public Stream<Score> ranked(Stream<Score> scores) {
                return scores.map(s -> new Score(s.player(), s.points(), Level.SILVER));
            }
        });
        port = server.uri().getPort();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        grpcClients = Courier.builder().name("grpc-client").transport(GrpcTransportFactory.builder().build()).build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (grpcClients != null) {
            grpcClients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyNetworkUriIsTheOnePort() {
        assertThat(server.uris()).contains(URI.create("http://127.0.0.1:" + port), URI.create("grpc://127.0.0.1:" + port));
        assertThat(server.uris()).filteredOn(u -> !u.getScheme().equals("inproc")).extracting(URI::getPort)
                .containsOnly(port);
        assertThat(server.address().getPort()).isEqualTo(port);
        assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + port));
    }

    @Test
    void restAndGrpcJavaBothSucceedOnIt() throws Exception {
        HttpResponse<String> rest;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            // No Accept: JSON is the default even with courier-protobuf on the class path.
            rest = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/board/ada")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        io.courier.grpc.exported.stubs.Score best = ScoresGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .best(Player.newBuilder().setName("ada").build());
        List<Long> history = new ArrayList<>();
        ScoresGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .history(Player.newBuilder().setName("ada").setCount(3).build())
                .forEachRemaining(s -> history.add(s.getPoints()));
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("scores.Scores").build());

        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(rest.body()).isEqualTo("{\"player\":\"ada\",\"points\":7,\"level\":\"BRONZE\"}");
        assertThat(best.getPoints()).isEqualTo(99);
        assertThat(history).containsExactly(1L, 2L, 3L);
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void aCourierGrpcClientCallsTheSharedPort() {
        URI grpc = server.uris().stream().filter(u -> u.getScheme().equals("grpc")).findFirst().orElseThrow();
        Scores scores = grpcClients.client(Scores.class).target(grpc).deadline(Duration.ofSeconds(10)).build();

        assertThat(scores.best(new Scores.Player("bo", 1)).points()).isEqualTo(99);
        assertThat(scores.total(Stream.of(new Scores.Score("a", 2, Scores.Level.GOLD), new Scores.Score("b", 3, Scores.Level.GOLD)))
                .points()).isEqualTo(5);
        try (Stream<Scores.Score> ranked = scores.ranked(Stream.of(new Scores.Score("c", 1, Scores.Level.GOLD)))) {
            assertThat(ranked.map(Scores.Score::level)).containsExactly(Scores.Level.SILVER);
        }
    }

    /**
     * A gRPC content type the server cannot read (gRPC itself over HTTP/1.1, an unknown subtype)
     * is 415 with a {@code grpc-status} and {@code grpc-message} a gRPC client reads, and a
     * problem body an HTTP client reads, both naming what the server reads; Vert.x's own answer
     * was a bare 415.
     */
    @Test
    void grpcContentTypesTheServerCannotReadAre415WithAGrpcStatusAndAProblem() throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (String type : new String[] {"application/grpc", "application/grpc+xml", "application/grpc-web+xml"}) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/scores.Scores/Best")).header("content-type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5])).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).as(type).isEqualTo(415);
                assertThat(response.headers().firstValue("grpc-status")).as(type).hasValue("3");
                assertThat(response.headers().firstValue("grpc-message")).as(type).hasValueSatisfying(m ->
                        assertThat(m).startsWith("content-type: \"" + type + "\"").contains("(expected: "));
                assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
                assertThat(response.body()).as(type).contains("\"code\":\"INVALID_ARGUMENT\"", "\"status\":415",
                        "application/grpc-web or application/grpc-web-text");
            }
        }
    }

    @Test
    void grpcWebOverHttp11Too() throws Exception {
        byte[] message = Player.newBuilder().setName("web").build().toByteArray();
        byte[] frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
        HttpResponse<byte[]> response;
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/scores.Scores/Best"))
                    .header("content-type", "application/grpc-web+proto").header("x-grpc-web", "1")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(frame)).build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        ByteBuffer body = ByteBuffer.wrap(response.body());
        assertThat(body.get()).as("a data frame first").isZero();
        byte[] reply = new byte[body.getInt()];
        body.get(reply);
        assertThat(io.courier.grpc.exported.stubs.Score.parseFrom(reply).getPlayer()).isEqualTo("web");
        assertThat(new String(response.body(), StandardCharsets.ISO_8859_1)).contains("grpc-status:0");
    }
}
