package io.courier.grpc.protection;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.contract.ServiceDescriptor;
import io.courier.grpc.GrpcNames;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.grpc.interop.RawUnary;
import io.courier.http.ServerLimits;
import io.courier.http.testing.RawHttp2;
import io.courier.http.testing.Sockets;
import io.courier.test.Await;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC served alone, on a port of its own ({@code GrpcTransportFactory} the only transport):
 * the port has the REST port's protection, under the {@link ServerLimits} given to
 * {@link GrpcTransportFactory.Builder#limits}: a connection's first request timed from its
 * accept, a bounded number of connections, HTTP/1.x requests (gRPC-Web) decoded strictly, and
 * answers a client does not take abandoned after the write timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OwnPortProtectionTest {
    private static final ServiceDescriptor WORK = ServiceDescriptor.of(Work.class);
    private static final String PATH = GrpcNames.path(WORK, WORK.method("work").orElseThrow());

    private static Courier serve(ServerLimits limits) {
        Courier courier = Courier.builder().name("work")
                .transport(GrpcTransportFactory.builder().limits(limits).build())
                .build().serve(Work.class, job -> new Work.Done(job.name()));
        assertThat(courier.uri().getScheme()).isEqualTo("grpc");
        return courier;
    }

    @Test
    void silentConnectionsAreCutFromTheAcceptWhileGrpcIsAnswered() throws Exception {
        Duration timeout = Duration.ofMillis(500);
        List<Socket> silent = new ArrayList<>();
        try (Courier server = serve(ServerLimits.builder().requestReadTimeout(timeout).build())) {
            InetSocketAddress address = RawHttp2.address(server);
            ManagedChannel channel = NettyChannelBuilder.forAddress(address.getHostString(), address.getPort())
                    .usePlaintext().build();
            try {
                RawUnary work = RawUnary.of(Work.class, "work");
                assertThat(work.call(channel, Duration.ofSeconds(10), Work.protobufJob("a")))
                        .isEqualTo(Work.protobufJob("a"));
                for (int i = 0; i < 3; i++) {
                    Socket socket = new Socket();
                    socket.connect(address, 5_000);
                    silent.add(socket);
                }
                long start = System.nanoTime();
                Await.until(Duration.ofSeconds(5), "connections that sent nothing closed",
                        () -> silent.stream().allMatch(Sockets::closedByServer));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout.dividedBy(2));
                assertThat(work.call(channel, Duration.ofSeconds(5), Work.protobufJob("b")))
                        .isEqualTo(Work.protobufJob("b"));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }

    @Test
    void connectionsPastTheMaximumAreClosed() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (Courier server = serve(ServerLimits.builder().maxConnections(2).build())) {
            InetSocketAddress address = RawHttp2.address(server);
            int closed = 0;
            for (int i = 0; i < 4; i++) {
                // The server counts a connection from its first request's head on.
                Socket socket = new Socket();
                socket.connect(address, 5_000);
                held.add(socket);
                try {
                    assertThat(grpcWeb(socket, Work.protobufJob("c" + i), "")).startsWith("HTTP/1.1 200");
                } catch (IOException closedByServer) {
                    closed++;
                }
            }
            assertThat(closed).as("connections closed past the 2nd").isEqualTo(2);
            assertThat(grpcWeb(held.get(0), Work.protobufJob("d"), "")).startsWith("HTTP/1.1 200");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aGrpcWebRequestWithALengthAndChunksIsRefused() throws Exception {
        try (Courier server = serve(ServerLimits.defaults()); Socket socket = new Socket()) {
            socket.connect(RawHttp2.address(server), 5_000);
            socket.setSoTimeout(5_000);
            String answer = grpcWeb(socket, Work.protobufJob("e"), "Transfer-Encoding: chunked\r\n");
            assertThat(answer).startsWith("HTTP/1.1 400").contains("both Content-Length and Transfer-Encoding");
        }
    }

    /**
     * A client with a window of 0 whose answer (40 KB, sent in parts) cannot leave: its stream is
     * reset with CANCEL about one write timeout later, while its PINGs keep the connection busy.
     */
    @Test
    void anAnswerTheClientDoesNotTakeIsResetAfterTheWriteTimeout() throws Exception {
        Duration writeTimeout = Duration.ofMillis(500);
        try (Courier server = serve(ServerLimits.builder().writeTimeout(writeTimeout).build());
             RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true, RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
            h2.headers(1, new DefaultHttp2Headers().method("POST").scheme("http").authority("localhost").path(PATH)
                    .add("content-type", "application/grpc").add("te", "trailers"), false);
            byte[] job = job("x".repeat(40_000));
            byte[] frame = ByteBuffer.allocate(5 + job.length).put((byte) 0).putInt(job.length).put(job).array();
            for (int from = 0; from < frame.length; from += 16_384) { // the largest DATA frame by default
                int to = Math.min(frame.length, from + 16_384);
                h2.data(1, java.util.Arrays.copyOfRange(frame, from, to), to == frame.length);
            }
            h2.flush();
            long start = System.nanoTime();
            long[] tick = {0};
            Await.until(Duration.ofSeconds(10), () -> "the stalled answer reset: " + h2, () -> {
                try {
                    h2.ping(tick[0]++);
                    h2.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return h2.resetCodes.containsKey(1);
            });
            assertThat(h2.resetCodes.get(1)).isEqualTo(8L); // CANCEL
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(writeTimeout.multipliedBy(9)
                    .dividedBy(10));
        }
    }

    /** A {@code Job} named {@code name} in the Protobuf wire format. */
    private static byte[] job(String name) {
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x0A);
        for (int length = text.length; ; length >>>= 7) {
            if ((length & ~0x7F) == 0) {
                out.write(length);
                break;
            }
            out.write((length & 0x7F) | 0x80);
        }
        out.writeBytes(text);
        return out.toByteArray();
    }

    /**
     * Sends a gRPC-Web call over HTTP/1.1 on {@code socket}, with {@code extraHeaders} beside its
     * length, and reads the answer's head and body; throws when the server closed the connection.
     */
    private static String grpcWeb(Socket socket, byte[] message, String extraHeaders) throws IOException {
        byte[] frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
        String head = "POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/grpc-web+proto\r\n"
                + "Content-Length: " + frame.length + "\r\n" + extraHeaders + "\r\n";
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(frame);
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        while (!answer.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed by the server after " + answer.length() + " bytes");
            }
            answer.append((char) b);
        }
        String lower = answer.toString().toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("content-length:")) {
            int from = lower.indexOf("content-length:") + "content-length:".length();
            int length = Integer.parseInt(lower.substring(from, lower.indexOf("\r\n", from)).trim());
            answer.append(new String(in.readNBytes(length), StandardCharsets.ISO_8859_1));
        } else {
            // Chunked: read to the last chunk.
            while (!answer.toString().endsWith("\r\n0\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed by the server inside its answer");
                }
                answer.append((char) b);
            }
        }
        return answer.toString();
    }
}
