package io.courier.grpc.exported;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.Timestamp;
import io.courier.CallContext;
import io.courier.Courier;
import io.courier.InvalidArgumentException;
import io.courier.NotFoundException;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.grpc.exported.stubs.FindRequest;
import io.courier.grpc.exported.stubs.Level;
import io.courier.grpc.exported.stubs.Player;
import io.courier.grpc.exported.stubs.Score;
import io.courier.grpc.exported.stubs.ScoresGrpc;
import io.courier.grpc.exported.stubs.Total;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Stock grpc-java stubs, generated at build time by protoc from the {@code .proto} that Courier
 * exported for {@link Scores} (a contract of plain records), call a Courier server: all four
 * call types, a request of several fields, metadata, deadlines and errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExportedProtoInteropTest {
    private static final Metadata.Key<String> TENANT = Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER);
    private static final Instant AT = Instant.parse("2025-01-02T03:04:05.000000006Z");

    private final CountDownLatch slowInterrupted = new CountDownLatch(1);
    private Courier server;
    private ManagedChannel channel;

    @BeforeAll
    void start() {
        server = Courier.builder().name("scores").transport(GrpcTransportFactory.builder().build()).build();
        server.serve(Scores.class, new ScoresImpl(slowInterrupted));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private ScoresGrpc.ScoresBlockingStub blocking() {
        Metadata h = new Metadata();
        h.put(TENANT, "globex");
        return ScoresGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static Player player(String name, int count) {
        return Player.newBuilder().setName(name).setCount(count).build();
    }

    private static Score score(String player, long points) {
        return Score.newBuilder().setPlayer(player).setPoints(points).build();
    }

    @Test
    void theStubsHaveTheContractsCallTypes() {
        assertThat(ScoresGrpc.SERVICE_NAME).isEqualTo("scores.Scores");
        assertThat(ScoresGrpc.getBestMethod().getType()).isEqualTo(MethodType.UNARY);
        assertThat(ScoresGrpc.getHistoryMethod().getType()).isEqualTo(MethodType.SERVER_STREAMING);
        assertThat(ScoresGrpc.getTotalMethod().getType()).isEqualTo(MethodType.CLIENT_STREAMING);
        assertThat(ScoresGrpc.getRankedMethod().getType()).isEqualTo(MethodType.BIDI_STREAMING);
    }

    @Test
    void unaryWithMetadataAndDeadline() {
        Score best = blocking().best(player("whoami", 1));

        assertThat(best.getPlayer()).isEqualTo("tenant=globex deadline=true");
        assertThat(blocking().best(player("ada", 1))).isEqualTo(Score.newBuilder().setPlayer("ada").setPoints(99)
                .setLevel(Level.LEVEL_GOLD).build());
    }

    @Test
    void unaryWithARequestOfSeveralFields() {
        Score found = blocking().find(FindRequest.newBuilder().setName("bo").setMin(40).build());

        assertThat(found.getPlayer()).isEqualTo("bo");
        assertThat(found.getPoints()).isEqualTo(41);
        assertThat(found.getLevel()).isEqualTo(Level.LEVEL_SILVER);
    }

    @Test
    void serverStreaming() {
        Iterator<Score> history = blocking().history(player("cy", 3));
        List<Long> points = new ArrayList<>();
        history.forEachRemaining(s -> points.add(s.getPoints()));

        assertThat(points).containsExactly(1L, 2L, 3L);
    }

    @Test
    void clientStreaming() throws Exception {
        Collector<Total> total = new Collector<>();
        StreamObserver<Score> scores = ScoresGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).total(total);
        scores.onNext(score("a", 5));
        scores.onNext(score("b", 30));
        scores.onNext(score("c", 7));
        scores.onCompleted();

        Total got = total.await().get(0);
        assertThat(got.getPoints()).isEqualTo(42);
        assertThat(got.getCount()).isEqualTo(3);
        assertThat(got.hasBest()).isTrue();
        assertThat(got.getBest()).isEqualTo("b");
        assertThat(got.getAt()).isEqualTo(Timestamp.newBuilder().setSeconds(AT.getEpochSecond()).setNanos(AT.getNano()).build());
    }

    @Test
    void clientStreamingOfNothing() throws Exception {
        Collector<Total> total = new Collector<>();
        ScoresGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).total(total).onCompleted();

        Total got = total.await().get(0);
        assertThat(got.getCount()).isZero();
        assertThat(got.hasBest()).as("Optional.empty() is an unset proto3 optional").isFalse();
    }

    @Test
    void bidirectionalStreaming() throws Exception {
        Collector<Score> ranked = new Collector<>();
        StreamObserver<Score> scores = ScoresGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).ranked(ranked);
        scores.onNext(score("x", 10));
        scores.onNext(score("y", 60));
        scores.onNext(score("z", 90));
        scores.onCompleted();

        assertThat(ranked.await()).extracting(Score::getLevel)
                .containsExactly(Level.LEVEL_BRONZE, Level.LEVEL_SILVER, Level.LEVEL_GOLD);
    }

    @Test
    void errorsArriveWithTheirStatusMessageAndDetails() {
        StatusRuntimeException missing = (StatusRuntimeException) catchThrowable(() -> blocking().best(player("missing", 1)));

        assertThat(missing.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND);
        assertThat(missing.getStatus().getDescription()).isEqualTo("no player called missing");
        assertThat(missing.getTrailers().keys()).contains("courier-details-bin");

        Iterator<Score> history = blocking().history(player("cy", -1));
        StatusRuntimeException invalid = (StatusRuntimeException) catchThrowable(history::hasNext);
        assertThat(invalid.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
        assertThat(invalid.getStatus().getDescription()).isEqualTo("count: -1 (expected: 0 or more)");
    }

    @Test
    void theStubsDeadlineInterruptsTheCourierHandler() throws Exception {
        StatusRuntimeException late = (StatusRuntimeException) catchThrowable(() -> ScoresGrpc.newBlockingStub(channel)
                .withDeadlineAfter(300, TimeUnit.MILLISECONDS).best(player("slow", 1)));

        assertThat(late.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.DEADLINE_EXCEEDED);
        assertThat(slowInterrupted.await(10, TimeUnit.SECONDS)).as("the handler was interrupted").isTrue();
    }

    /** Collects what a stream observer is sent, and waits for its end. */
    private static final class Collector<T> implements StreamObserver<T> {
        private final LinkedBlockingQueue<Object> done = new LinkedBlockingQueue<>();
        private final List<T> values = new ArrayList<>();

        @Override
        public void onNext(T value) {
            values.add(value);
        }

        @Override
        public void onError(Throwable t) {
            done.add(t);
        }

        @Override
        public void onCompleted() {
            done.add("ok");
        }

        List<T> await() throws Exception {
            assertThat(done.poll(10, TimeUnit.SECONDS)).isEqualTo("ok");
            return values;
        }
    }

    /** The Courier implementation: plain records, no generated class in sight. */
    private record ScoresImpl(CountDownLatch slowInterrupted) implements Scores {
        private static Level level(long points) {
            return points >= 80 ? Level.GOLD : points >= 40 ? Level.SILVER : Level.BRONZE;
        }

        @Override
        public Score best(Player player) {
            switch (player.name()) {
                case "missing" -> throw new NotFoundException("no player called missing", Map.of("player", "missing"));
                case "whoami" -> {
                    CallContext ctx = CallContext.current();
                    return new Score("tenant=" + ctx.metadata().get("x-tenant").orElse("-") + " deadline="
                            + ctx.deadline().isPresent(), 0, Level.BRONZE);
                }
                case "slow" -> {
                    try {
                        new CountDownLatch(1).await(1, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        slowInterrupted.countDown();
                    }
                    return new Score("slow", 0, Level.BRONZE);
                }
                default -> {
                    return new Score(player.name(), 99, Level.GOLD);
                }
            }
        }

        @Override
        public Score find(String name, long min) {
            return new Score(name, min + 1, level(min + 1));
        }

        @Override
        public Stream<Score> history(Player player) {
            if (player.count() < 0) {
                throw new InvalidArgumentException("count: " + player.count() + " (expected: 0 or more)");
            }
            return LongStream.rangeClosed(1, player.count()).mapToObj(n -> new Score(player.name(), n, level(n)));
        }

        @Override
        public Total total(Stream<Score> scores) {
            List<Score> all = scores.toList();
            return new Total(all.stream().mapToLong(Score::points).sum(), all.size(),
                    all.stream().max(Comparator.comparingLong(Score::points)).map(Score::player), AT);
        }

        @Override
        public Stream<Score> ranked(Stream<Score> scores) {
            return scores.map(s -> new Score(s.player(), s.points(), level(s.points())));
        }
    }
}
