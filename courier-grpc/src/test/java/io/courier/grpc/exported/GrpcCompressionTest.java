package io.courier.grpc.exported;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.grpc.exported.stubs.Player;
import io.courier.grpc.exported.stubs.Score;
import io.courier.grpc.exported.stubs.ScoresGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC message compression against grpc-java: a client that sends {@code grpc-encoding: gzip}
 * has its messages read and gets gzip answers (unary and server streaming), measured by
 * grpc-java's own wire and uncompressed sizes; a client that does not compress gets plain ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GrpcCompressionTest {
    private static final String NAME = "compressible ".repeat(1000);
    private Courier server;
    private ManagedChannel channel;

    /** Bytes grpc-java counted on the wire and before compression, both ways. */
    private static final class Sizes extends ClientStreamTracer.Factory implements ClientInterceptor {
        final AtomicLong outWire = new AtomicLong();
        final AtomicLong outRaw = new AtomicLong();
        final AtomicLong inWire = new AtomicLong();
        final AtomicLong inRaw = new AtomicLong();

        @Override
        public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
            return new ClientStreamTracer() {
                @Override
                public void outboundWireSize(long bytes) {
                    outWire.addAndGet(bytes);
                }

                @Override
                public void outboundUncompressedSize(long bytes) {
                    outRaw.addAndGet(bytes);
                }

                @Override
                public void inboundWireSize(long bytes) {
                    inWire.addAndGet(bytes);
                }

                @Override
                public void inboundUncompressedSize(long bytes) {
                    inRaw.addAndGet(bytes);
                }
            };
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return next.newCall(method, options.withStreamTracerFactory(this));
        }
    }

    @BeforeAll
    void start() {
        server = Courier.builder().name("gzip").transport(GrpcTransportFactory.builder().build()).build();
        server.serve(Scores.class, new Scores() {
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
                return LongStream.rangeClosed(1, player.count()).mapToObj(n -> new Score(player.name(), n, Level.SILVER));
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
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private ScoresGrpc.ScoresBlockingStub stub(Sizes sizes, AtomicReference<Metadata> headers, boolean gzip) {
        ScoresGrpc.ScoresBlockingStub stub = ScoresGrpc.newBlockingStub(channel).withInterceptors(sizes,
                MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()));
        return gzip ? stub.withCompression("gzip") : stub;
    }

    @Test
    void aGzipClientsRequestIsReadAndItsAnswerIsGzip() {
        Sizes sizes = new Sizes();
        AtomicReference<Metadata> headers = new AtomicReference<>();

        Score score = stub(sizes, headers, true).best(Player.newBuilder().setName(NAME).build());

        assertThat(score.getPlayer()).isEqualTo(NAME);
        assertThat(sizes.outWire.get()).as("request compressed").isLessThan(sizes.outRaw.get() / 10);
        assertThat(sizes.inWire.get()).as("response compressed").isLessThan(sizes.inRaw.get() / 10);
        assertThat(headers.get().get(Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("gzip");
    }

    @Test
    void aGzipClientsStreamIsGzipMessageByMessage() {
        Sizes sizes = new Sizes();
        AtomicReference<Metadata> headers = new AtomicReference<>();

        Iterator<Score> it = stub(sizes, headers, true).history(Player.newBuilder().setName(NAME).setCount(5).build());
        List<Long> points = new ArrayList<>();
        it.forEachRemaining(s -> points.add(s.getPoints()));

        assertThat(points).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(sizes.inRaw.get()).isGreaterThan(5L * NAME.length());
        assertThat(sizes.inWire.get()).as("responses compressed").isLessThan(sizes.inRaw.get() / 10);
    }

    @Test
    void aClientThatDoesNotCompressGetsPlainAnswers() {
        Sizes sizes = new Sizes();
        AtomicReference<Metadata> headers = new AtomicReference<>();

        Score score = stub(sizes, headers, false).best(Player.newBuilder().setName(NAME).build());

        assertThat(score.getPlayer()).isEqualTo(NAME);
        assertThat(sizes.outWire.get()).isEqualTo(sizes.outRaw.get());
        assertThat(sizes.inWire.get()).isEqualTo(sizes.inRaw.get());
        assertThat(headers.get().get(Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER))).isNull();
    }
}
