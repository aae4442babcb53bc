package io.courier.grpc.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.UnavailableException;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.test.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Courier gRPC client calling a server whose connections are reset, as a killed instance's
 * are: at once as they open, after the client's preface has arrived, and while idle after a
 * call was answered. Each call fails retry-safe with {@link UnavailableException} (or, once the
 * server is back, is answered); the loss is at most Courier's one WARN line, never an ERROR or a
 * stack trace of Vert.x's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientPeerResetTest {
    private static final int CALLS = 300;

    @Test
    void connectionsResetAsTheyOpenAreOneWarnOfCourierAndNoErrorOfVertx() throws Exception {
        check(false);
    }

    @Test
    void connectionsResetAfterThePrefaceAreOneWarnOfCourierAndNoErrorOfVertx() throws Exception {
        check(true);
    }

    @Test
    void anIdleConnectionResetIsNoErrorOfVertxAndTheNextCallIsAnswered() throws Exception {
        try (Courier server = Courier.builder().name("grpc-peer-reset-server")
                .transport(GrpcTransportFactory.builder().build()).build().serve(Greeter.class, new HelloGreeter());
             Proxy proxy = new Proxy(server.uri().getPort())) {
            try (LogCapture captured = LogCapture.start()) {
                try (Courier courier = Courier.builder().name("grpc-peer-reset-client")
                        .transport(GrpcTransportFactory.builder().build()).build()) {
                    Greeter greeter = courier.client(Greeter.class).target(proxy.uri())
                            .deadline(Duration.ofSeconds(10)).build();
                    assertThat(greeter.sayHello(HelloRequest.newBuilder().setName("a").build()).getMessage())
                            .isEqualTo("Hello a");

                    proxy.resetClients(); // the connection is idle: no call sees the reset

                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    String answer = null;
                    while (answer == null) {
                        assertThat(System.nanoTime() - end).as("a call answered within 10 s").isNegative();
                        try {
                            answer = greeter.sayHello(HelloRequest.newBuilder().setName("b").build()).getMessage();
                        } catch (UnavailableException lost) {
                            // the reset connection, before the client saw it gone: retry-safe
                        }
                    }
                    assertThat(answer).isEqualTo("Hello b");
                }
                assertThat(captured.lines("ERROR")).as("%s", captured).isEmpty();
                assertThat(captured.stackTraceLines()).as("%s", captured).isEmpty();
                assertThat(captured.lines("WARN")).as("%s", captured).hasSizeLessThanOrEqualTo(1);
            }
            assertThat(proxy.resets.get()).as("client connections reset").isPositive();
        }
    }

    private static void check(boolean afterPreface) throws Exception {
        try (Resetting server = new Resetting(afterPreface)) {
            List<Throwable> failures = new ArrayList<>();
            try (LogCapture captured = LogCapture.start()) {
                try (Courier courier = Courier.builder().name("grpc-peer-reset-client")
                        .transport(GrpcTransportFactory.builder().build()).build()) {
                    Greeter greeter = courier.client(Greeter.class).target(server.uri())
                            .deadline(Duration.ofSeconds(10)).build();
                    for (int i = 0; i < CALLS; i++) {
                        try {
                            greeter.sayHello(HelloRequest.newBuilder().setName("n" + i).build());
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }
                assertThat(captured.lines("ERROR")).as("%s", captured).isEmpty();
                assertThat(captured.stackTraceLines()).as("%s", captured).isEmpty();
                assertThat(captured.lines("WARN")).as("%s", captured).hasSize(1)
                        .allSatisfy(line -> assertThat(line).contains(server.uri() + ": connection lost"));
            }
            assertThat(server.resets.get()).as("connections reset").isGreaterThanOrEqualTo(CALLS);
            assertThat(failures).hasSize(CALLS).hasOnlyElementsOfType(UnavailableException.class);
        }
    }

    /** Passes bytes between clients and a server on loopback; resets the clients' side on demand. */
    private static final class Proxy implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 64, InetAddress.getByName("127.0.0.1"));
        private final List<Socket> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger resets = new AtomicInteger();

        Proxy(int serverPort) throws IOException {
            Thread.ofPlatform().daemon().name("proxy-accept").start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        Socket upstream = new Socket(InetAddress.getByName("127.0.0.1"), serverPort);
                        clients.add(client);
                        pump(client, upstream);
                        pump(upstream, client);
                    } catch (IOException closed) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            });
        }

        private static void pump(Socket from, Socket to) {
            Thread.ofPlatform().daemon().name("proxy-pump").start(() -> {
                try (from; to) {
                    from.getInputStream().transferTo(to.getOutputStream());
                } catch (IOException gone) {
                    // one side reset or closed: both go
                }
            });
        }

        /** Resets every client connection so far (SO_LINGER 0, then close). */
        void resetClients() throws IOException {
            for (Socket client : clients) {
                if (!client.isClosed()) {
                    client.setSoLinger(true, 0);
                    client.close();
                    resets.incrementAndGet();
                }
            }
            clients.clear();
        }

        URI uri() {
            return URI.create("grpc://127.0.0.1:" + socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
            resetClients();
        }
    }

    /** Accepts connections on loopback and resets each (SO_LINGER 0, then close), at once or once bytes came. */
    private static final class Resetting implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 4096, InetAddress.getByName("127.0.0.1"));
        final AtomicInteger resets = new AtomicInteger();

        Resetting(boolean afterPreface) throws IOException {
            Thread.ofPlatform().daemon().name("resetting-server").start(() -> {
                while (!socket.isClosed()) {
                    try (Socket accepted = socket.accept()) {
                        accepted.setSoLinger(true, 0);
                        if (afterPreface) {
                            InputStream in = accepted.getInputStream();
                            in.read(new byte[24]); // the client's HTTP/2 preface, or part of it
                        }
                        resets.incrementAndGet();
                    } catch (IOException closed) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            });
        }

        URI uri() {
            return URI.create("grpc://127.0.0.1:" + socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
