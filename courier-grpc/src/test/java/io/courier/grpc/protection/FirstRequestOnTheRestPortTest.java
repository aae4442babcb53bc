package io.courier.grpc.protection;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.grpc.interop.RawUnary;
import io.courier.http.HttpTransportFactory;
import io.courier.http.ServerLimits;
import io.courier.http.testing.Sockets;
import io.courier.test.Await;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC on the REST port, with the gRPC transport created before the HTTP one (so it is the one
 * creating the {@code Courier}'s Vert.x): connections that dribble their first HTTP/1.1 request
 * head, or send nothing, are cut by {@code requestReadTimeout} counted from their accept, while
 * a stock grpc-java client is answered on the same port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FirstRequestOnTheRestPortTest {
    private static final byte[] SLOW_REQUEST = "POST /work HTTP/1.1\r\nHost: localhost\r\nX-Pad: "
            .getBytes(StandardCharsets.US_ASCII);

    private static Courier serve(ServerLimits limits) {
        return Courier.builder().name("work")
                .transport(GrpcTransportFactory.builder().build())
                .transport(HttpTransportFactory.builder().limits(limits).build())
                .build().serve(Work.class, job -> new Work.Done(job.name()));
    }

    @Test
    void slowFirstRequestsAreCutFromTheAcceptWhileGrpcIsAnswered() throws Exception {
        Duration timeout = Duration.ofMillis(500);
        Duration bound = Duration.ofMillis(625 + 875); // 1.25 timeouts, and a margin for a busy machine
        RawUnary work = RawUnary.of(Work.class, "work");
        try (Courier warmUp = serve(ServerLimits.defaults())) {
            // grpc-java's very first connection, slow on a busy machine, is not the one timed here.
            ManagedChannel first = NettyChannelBuilder.forAddress("127.0.0.1", warmUp.uri().getPort()).usePlaintext().build();
            try {
                work.call(first, Duration.ofSeconds(10), Work.protobufJob("w"));
            } finally {
                first.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        List<Socket> slow = new ArrayList<>();
        try (Courier server = serve(ServerLimits.builder().requestReadTimeout(timeout).idleTimeout(Duration.ofMinutes(1))
                .build())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.uri().getPort());
            ManagedChannel channel = NettyChannelBuilder.forAddress(address.getHostString(), address.getPort())
                    .usePlaintext().build();
            try {
                assertThat(work.call(channel, Duration.ofSeconds(5), Work.protobufJob("a"))).isEqualTo(Work.protobufJob("a"));
                int dribbling = 10;
                long[] accepted = new long[dribbling + 2];
                long[] cutAt = new long[accepted.length];
                for (int i = 0; i < accepted.length; i++) {
                    Socket socket = new Socket();
                    socket.connect(address, 5_000);
                    slow.add(socket);
                    accepted[i] = System.nanoTime();
                }
                long[] next = {System.nanoTime()};
                int[] written = {0};
                int[] answered = {0};
                Await.until(Duration.ofSeconds(5), () -> "slow first requests cut: " + Arrays.toString(cutAt), () -> {
                    long now = System.nanoTime();
                    for (int i = dribbling; i < accepted.length; i++) {
                        if (cutAt[i] == 0 && Sockets.closedByServer(slow.get(i))) {
                            cutAt[i] = System.nanoTime();
                        }
                    }
                    if (now - next[0] < 0) {
                        return false;
                    }
                    next[0] = now + TimeUnit.MILLISECONDS.toNanos(50);
                    // The request line, the Host header, then an X-Pad header that never ends, a byte per 50 ms.
                    byte b = written[0] < SLOW_REQUEST.length ? SLOW_REQUEST[written[0]++] : (byte) 'a';
                    for (int i = 0; i < dribbling; i++) {
                        if (cutAt[i] == 0 && !writeOneByte(slow.get(i), b)) {
                            cutAt[i] = System.nanoTime();
                        }
                    }
                    assertThat(work.call(channel, Duration.ofSeconds(5), Work.protobufJob("b")))
                            .isEqualTo(Work.protobufJob("b"));
                    answered[0]++;
                    return Arrays.stream(cutAt).allMatch(at -> at != 0);
                });
                for (int i = 0; i < accepted.length; i++) {
                    assertThat(Duration.ofNanos(cutAt[i] - accepted[i]))
                            .as("connection %d (%s) cut after its accept", i, i < dribbling ? "dribbling" : "silent")
                            .isBetween(timeout.multipliedBy(9).dividedBy(10), bound);
                }
                assertThat(answered[0]).as("gRPC calls answered meanwhile").isGreaterThan(3);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    /** Writes one byte; false when the connection is gone. */
    private static boolean writeOneByte(Socket socket, byte b) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(b);
            out.flush();
            return !Sockets.closedByServer(socket);
        } catch (IOException gone) {
            return false;
        }
    }
}
