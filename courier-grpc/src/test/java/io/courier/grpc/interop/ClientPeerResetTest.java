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
 * are: at once as they open, and after the client's preface has arrived. Each call fails
 * retry-safe with {@link UnavailableException}; the loss is Courier's one WARN line, never an
 * ERROR or a stack trace of Vert.x's.
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
