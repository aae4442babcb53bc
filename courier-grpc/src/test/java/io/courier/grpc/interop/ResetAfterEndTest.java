package io.courier.grpc.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.test.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client resets its stream just after the server took the call's end but before the server's
 * event loop wrote it: the server must write nothing more to that stream (Vert.x fails a write to
 * a reset stream and logs it at ERROR with a stack trace). Raw HTTP/2 frames make the order
 * certain: one write carries a second call, whose handling completes the first, and then the
 * first stream's RST_STREAM, so the server reads both in one go and the end of the first call
 * is still queued when the reset is seen.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResetAfterEndTest {
    private static final String SAY_HELLO = "/interop.Greeter/SayHello";
    private static final int HEADERS = 1;
    private static final int DATA = 0;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int CANCEL = 0x8;

    @Test
    void aStreamResetAfterItsEndWasTakenIsNotWrittenTo() throws Exception {
        CompletableFuture<Object> held = new CompletableFuture<>();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        // Interceptors run on the event loop for a small unary request: "hold" waits for
        // "release", which completes it there, on the loop, while the reset is in the same read.
        Courier server = Courier.builder().name("reset-after-end").transport(GrpcTransportFactory.builder().build())
                .serverInterceptor((call, next) -> {
                    String name = ((HelloRequest) call.args().get(0)).getName();
                    if (name.equals("hold")) {
                        holding.countDown();
                        return held;
                    }
                    if (name.equals("release")) {
                        held.complete(HelloReply.newBuilder().setMessage("held").build());
                        released.countDown();
                    }
                    return next.proceed(call);
                })
                .build().serve(Greeter.class, new HelloGreeter());
        try (LogCapture log = LogCapture.start();
             server;
             Socket socket = new Socket("127.0.0.1", server.address().getPort())) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            first.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            first.write(frame(SETTINGS, 0, 0, new byte[0]));
            first.write(call(1, "hold"));
            out.write(first.toByteArray());
            out.flush();
            assertThat(holding.await(10, TimeUnit.SECONDS)).as("the first call is held").isTrue();

            ByteArrayOutputStream second = new ByteArrayOutputStream();
            second.write(call(3, "release"));
            second.write(frame(RST_STREAM, 0, 1, ByteBuffer.allocate(4).putInt(CANCEL).array()));
            out.write(second.toByteArray()); // one write: the server reads both together
            out.flush();
            assertThat(released.await(10, TimeUnit.SECONDS)).as("the second call released the first").isTrue();

            PeerGoneTest.assertNextCallAnswered(server);
            assertThat(log.lines("ERROR")).as(log.toString()).isEmpty();
            assertThat(log.stackTraceLines()).as(log.toString()).isEmpty();
        }
    }

    /** HEADERS and DATA (with END_STREAM) of a SayHello call on {@code stream}. */
    private static byte[] call(int stream, String name) throws Exception {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", "POST");
        literal(block, ":scheme", "http");
        literal(block, ":path", SAY_HELLO);
        literal(block, ":authority", "127.0.0.1");
        literal(block, "content-type", "application/grpc");
        literal(block, "te", "trailers");
        byte[] message = HelloRequest.newBuilder().setName(name).build().toByteArray();
        byte[] grpc = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frames.write(frame(HEADERS, END_HEADERS, stream, block.toByteArray()));
        frames.write(frame(DATA, END_STREAM, stream, grpc));
        return frames.toByteArray();
    }

    /** An HPACK literal header field without indexing, new name, no Huffman coding (RFC 7541 6.2.2). */
    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0);
        for (String s : new String[] {name, value}) {
            byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
            block.write(bytes.length); // shorter than 127: one byte, Huffman bit clear
            block.writeBytes(bytes);
        }
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        return ByteBuffer.allocate(9 + payload.length)
                .put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                .put((byte) type).put((byte) flags).putInt(stream).put(payload).array();
    }
}
