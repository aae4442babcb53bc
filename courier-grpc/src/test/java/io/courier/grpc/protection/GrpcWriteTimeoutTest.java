package io.courier.grpc.protection;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.annotation.Service;
import io.courier.contract.ServiceDescriptor;
import io.courier.grpc.GrpcNames;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.http.ServerLimits;
import io.courier.grpc.interop.RawUnary;
import io.courier.http.testing.RawHttp2;
import io.courier.test.Await;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC clients that stop reading their answers while they keep their connections busy, against
 * a live server answering gRPC on the REST port with a 500 ms {@link ServerLimits#writeTimeout}:
 * each answer is abandoned about one write timeout after its bytes stop leaving (its stream
 * reset with CANCEL, or a gRPC-Web connection closed), what it held is dropped and a stream's
 * producer stopped; a reader that takes large answers slowly but steadily is served.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcWriteTimeoutTest {
    /** Large answers, one or a stream of them. Public, as the dispatcher invokes it by reflection. */
    @Service("bulk")
    public interface Bulk {
        /** {@code kb} kilobytes, {@code count} times (a stream's messages). */
        record Size(int kb, int count) {
        }

        record Blob(String data) {
        }

        Blob blob(Size size);

        Stream<Blob> blobs(Size size);
    }

    private static final Duration WRITE_TIMEOUT = Duration.ofMillis(500);
    private static final ServiceDescriptor BULK = ServiceDescriptor.of(Bulk.class);
    private static final String BLOB = GrpcNames.path(BULK, BULK.method("blob").orElseThrow());
    private static final String BLOBS = GrpcNames.path(BULK, BULK.method("blobs").orElseThrow());

    private final AtomicLong produced = new AtomicLong();
    private volatile CountDownLatch blobsClosed = new CountDownLatch(1);

    private Courier serve() {
        ServerLimits limits = ServerLimits.builder().writeTimeout(WRITE_TIMEOUT).build();
        return Courier.builder().name("grpc-write-timeout")
                .transport(HttpTransportFactory.builder().limits(limits).build())
                .transport(GrpcTransportFactory.builder().build())
                .build().serve(Bulk.class, new Bulk() {
                    @Override
                    public Blob blob(Size size) {
                        return new Blob("x".repeat(size.kb() * 1024));
                    }

                    @Override
                    public Stream<Blob> blobs(Size size) {
                        String data = "x".repeat(size.kb() * 1024);
                        CountDownLatch closed = blobsClosed;
                        return Stream.generate(() -> {
                            produced.incrementAndGet();
                            return new Blob(data);
                        }).limit(size.count()).onClose(closed::countDown);
                    }
                });
    }

    /**
     * A window of 0, 100 unary calls answered 159 KB each, PINGs to keep the connection busy: the
     * answers (16 MB, the most the heap held before the first reset) are held until each stream is reset with CANCEL about one write timeout
     * later, and the heap comes back; a call on the same connection whose reader grants 32 KB
     * every 100 ms (one part a tick, the answer in more than a write timeout) gets its whole answer.
     */
    @Test
    void unaryAnswersAClientDoesNotTakeAreResetAndTheirMemoryFreed() throws Exception {
        try (Courier server = serve(); RawHttp2 h2 = RawHttp2.connect(address(server), true, RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
            long before = heapInUse();
            int stalled = 100;
            int slow = 1 + 2 * stalled;
            long start = System.nanoTime();
            for (int i = 0; i < stalled; i++) {
                call(h2, 1 + 2 * i, BLOB, size(159, 1));
            }
            call(h2, slow, BLOB, size(159, 1));
            h2.flush();
            long held = -1;
            Duration allReset = null;
            for (int tick = 0; !h2.endedStreams.contains(slow) || allReset == null; tick++) {
                assertThat(since(start)).as("answers reset and the slow one read within 15 s: %s", h2)
                        .isLessThan(Duration.ofSeconds(15));
                if (allReset == null && h2.resetCodes.isEmpty()) {
                    held = Math.max(held, heapInUse() - before); // the answers written and waiting
                }
                if (allReset == null && h2.resetCodes.size() >= stalled) {
                    allReset = since(start);
                }
                // A part of 32 KB a tick: a collection above pauses this thread and the server alike,
                // and at 16 KB a part took two ticks, which a loaded machine stretched past the timeout.
                h2.windowUpdate(0, 32_768);
                h2.windowUpdate(slow, 32_768);
                h2.ping(tick);
                h2.flush();
                Thread.sleep(100); // the slow reader's pace, not a wait for a condition
            }
            assertThat(held).as("heap held by 100 answers of 159 KB not taken").isGreaterThan(8L << 20);
            // Within 5 s of the calls: their answers are made first, which a busy machine slows down.
            assertThat(allReset).isBetween(WRITE_TIMEOUT.multipliedBy(9).dividedBy(10), Duration.ofSeconds(5));
            for (int i = 0; i < stalled; i++) {
                assertThat(h2.resetCodes.get(1 + 2 * i)).as("stream %d", 1 + 2 * i).isEqualTo(8L); // CANCEL
            }
            assertThat(h2.resetCodes).doesNotContainKey(slow);
            assertThat(h2.dataBytes(slow)).isEqualTo(blobFrameBytes(159));
            assertThat(h2.goAway.get()).isEqualTo(-1);
            assertThat(h2.closedByServer).isFalse();
            // Less than half of what the answers held: the rest of the JVM moves the heap by a few
            // megabytes either way.
            long heldAtStall = held;
            Await.until(Duration.ofSeconds(10), () -> "the held answers dropped: " + (heapInUse() - before) + " of "
                    + heldAtStall + " bytes still in use", () -> heapInUse() - before < heldAtStall / 2);
        }
    }

    /**
     * An endless server stream whose client stops reading, over HTTP/2 (a window of 0, PINGs) and
     * over gRPC-Web on HTTP/1.1 (a socket never read): the stream is reset with CANCEL or the
     * connection closed, and the implementation's stream closed, its producer no longer called.
     */
    @Test
    void aServerStreamWhoseClientStopsReadingIsEndedAndItsProducerStopped() throws Exception {
        try (Courier server = serve()) {
            try (RawHttp2 h2 = RawHttp2.connect(address(server), true, RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
                blobsClosed = new CountDownLatch(1);
                long start = System.nanoTime();
                call(h2, 1, BLOBS, size(1, Integer.MAX_VALUE));
                h2.flush();
                for (int tick = 0; !h2.resetCodes.containsKey(1); tick++) {
                    assertThat(since(start)).as("the stream reset within 3 s: %s", h2).isLessThan(Duration.ofSeconds(3));
                    h2.ping(tick);
                    h2.flush();
                    Thread.sleep(100); // the client's pace: a PING now and then
                }
                assertThat(since(start)).isGreaterThanOrEqualTo(WRITE_TIMEOUT.multipliedBy(9).dividedBy(10));
                assertThat(h2.resetCodes.get(1)).isEqualTo(8L);
                assertThat(blobsClosed.await(5, TimeUnit.SECONDS)).as("the producer's stream closed").isTrue();
                assertThat(h2.goAway.get()).isEqualTo(-1);
                assertThat(h2.closedByServer).isFalse();
            }
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(4096);
                socket.connect(address(server), 5_000);
                blobsClosed = new CountDownLatch(1);
                byte[] body = grpcFrame(size(1, Integer.MAX_VALUE));
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + BLOBS + " HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/grpc-web+proto\r\n"
                        + "content-length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                assertThat(blobsClosed.await(5, TimeUnit.SECONDS)).as("the gRPC-Web producer's stream closed").isTrue();
            }
            long stopped = produced.get();
            Await.until(Duration.ofSeconds(2), "production stopped", () -> produced.get() == stopped);
        }
    }

    /**
     * Readers that grant 16 KB every 100 ms, beside a call whose answer is not taken on the same
     * connection: a 159 KB unary answer and a stream of three 100 KB messages, each of which takes
     * longer than the write timeout to read, leave in parts, whole and not reset.
     */
    @Test
    void aSlowButSteadyReaderGetsLargeAnswersWhole() throws Exception {
        try (Courier server = serve(); RawHttp2 h2 = RawHttp2.connect(address(server), true, RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
            long start = System.nanoTime();
            call(h2, 1, BLOB, size(159, 1));
            call(h2, 3, BLOB, size(159, 1));
            call(h2, 5, BLOBS, size(100, 3));
            h2.flush();
            for (int tick = 0; !h2.endedStreams.contains(3) || !h2.endedStreams.contains(5); tick++) {
                assertThat(since(start)).as("the slow answers read within 15 s: %s", h2).isLessThan(Duration.ofSeconds(15));
                assertThat(h2.resetCodes).as("slow readers not reset").doesNotContainKeys(3, 5);
                h2.windowUpdate(0, 32_768);
                h2.windowUpdate(3, 16_384);
                h2.windowUpdate(5, 16_384);
                h2.ping(tick);
                h2.flush();
                Thread.sleep(100); // the slow readers' pace, not a wait for a condition
            }
            assertThat(h2.resetCodes).doesNotContainKeys(3, 5).containsEntry(1, 8L);
            assertThat(h2.dataBytes(3)).isEqualTo(blobFrameBytes(159));
            assertThat(h2.dataBytes(5)).isEqualTo(3 * blobFrameBytes(100));
            assertThat(since(start)).as("slower than the write timeout").isGreaterThan(WRITE_TIMEOUT.multipliedBy(2));
        }
    }

    /**
     * Answers written in parts read by real clients: stock grpc-java sending gzip (so answered in
     * gzip) gets a 159 KB unary answer and a stream of two 100 KB messages, and a gRPC-Web text
     * client over HTTP/1.1 a 159 KB answer and status 0, each whole.
     */
    @Test
    void answersWrittenInPartsAreReadWholeByGzipAndGrpcWebTextClients() throws Exception {
        try (Courier server = serve()) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.uri().getPort()).usePlaintext().build();
            try {
                CallOptions gzip = CallOptions.DEFAULT.withCompression("gzip").withDeadlineAfter(10, TimeUnit.SECONDS);
                byte[] one = ClientCalls.blockingUnaryCall(channel, rpc(BLOB, MethodDescriptor.MethodType.UNARY), gzip,
                        size(159, 1));
                assertThat(one).hasSize((int) blobFrameBytes(159) - 5);
                Iterator<byte[]> two = ClientCalls.blockingServerStreamingCall(channel,
                        rpc(BLOBS, MethodDescriptor.MethodType.SERVER_STREAMING), gzip, size(100, 2));
                assertThat(two.next()).hasSize((int) blobFrameBytes(100) - 5);
                assertThat(two.next()).hasSize((int) blobFrameBytes(100) - 5);
                assertThat(two.hasNext()).isFalse();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            HttpResponse<String> web = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(server.uri().resolve("http://127.0.0.1:" + server.uri().getPort() + BLOB))
                            .header("content-type", "application/grpc-web-text")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    Base64.getEncoder().encodeToString(grpcFrame(size(159, 1)))))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(web.statusCode()).isEqualTo(200);
            ByteBuffer frames = ByteBuffer.wrap(decodeChunks(web.body()));
            assertThat(frames.get()).isEqualTo((byte) 0);
            int length = frames.getInt();
            assertThat(length).isEqualTo((int) blobFrameBytes(159) - 5);
            frames.position(frames.position() + length);
            assertThat(frames.get()).as("the trailers' frame").isEqualTo((byte) 0x80);
            byte[] trailers = new byte[frames.getInt()];
            frames.get(trailers);
            assertThat(new String(trailers, StandardCharsets.US_ASCII)).contains("grpc-status:0");
        }
    }

    /** A method of {@code path} whose messages are raw bytes. */
    private static MethodDescriptor<byte[], byte[]> rpc(String path, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName(path.substring(1))
                .setRequestMarshaller(RawUnary.BYTES).setResponseMarshaller(RawUnary.BYTES).build();
    }

    /** gRPC-Web text: base64 chunks, each padded on its own, decoded one 4-character group at a time. */
    private static byte[] decodeChunks(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at + 4 <= text.length(); at += 4) {
            out.writeBytes(Base64.getDecoder().decode(text.substring(at, at + 4)));
        }
        return out.toByteArray();
    }

    /** A {@code Size} in the Protobuf wire format: two varint fields. */
    private static byte[] size(int kb, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x08);
        varint(out, kb);
        out.write(0x10);
        varint(out, count);
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** The gRPC frame of a {@code Blob} of {@code kb} kilobytes: its 5-byte prefix, a tag, a length, the bytes. */
    private static long blobFrameBytes(int kb) {
        ByteArrayOutputStream length = new ByteArrayOutputStream();
        varint(length, kb * 1024L);
        return 5 + 1 + length.size() + kb * 1024L;
    }

    private static InetSocketAddress address(Courier server) {
        return RawHttp2.address(server);
    }

    private static long heapInUse() {
        return RawHttp2.heapInUse();
    }

    /** A gRPC call of {@code path} (application/grpc) with one Protobuf {@code message}, on {@code stream}. */
    private static void call(RawHttp2 h2, int stream, String path, byte[] message) throws IOException {
        h2.headers(stream, new DefaultHttp2Headers().method("POST").scheme("http").authority("localhost").path(path)
                .add("content-type", "application/grpc").add("te", "trailers"), false);
        h2.data(stream, grpcFrame(message), true);
    }

    /** A gRPC message frame: not compressed, its length, its bytes. */
    private static byte[] grpcFrame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
