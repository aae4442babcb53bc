package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.UnavailableException;
import io.courier.test.LogCapture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A REST client calling a server that resets every connection as it accepts it, as a killed
 * instance's connections are reset: the loss is Courier's one WARN line, never an ERROR (or a
 * WARN) of Vert.x's, whichever comes first of the connection's reset and its connect handler.
 * Before calls started on their endpoint's loop, a few dozen of the 2,000 connections were reset
 * before their handlers were set, and Vert.x logged each as an ERROR ("Connection reset").
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerResetTest {
    /** Calls, each on a new connection: enough for a reset to meet a connection not yet watched. */
    private static final int CALLS = 2000;
    /** Callers, each calling in turn: a new connection each call, while the other caller's is opening. */
    private static final int CALLERS = 2;

    @Test
    void aConnectionResetAsItOpensIsOneWarnOfCourierAndNoErrorOfVertx() throws Exception {
        try (Resetting server = new Resetting()) {
            List<Throwable> failures;
            try (LogCapture captured = LogCapture.start()) {
                try (Courier courier = Courier.builder().name("peer-reset-client").build();
                     ExecutorService callers = Executors.newFixedThreadPool(CALLERS)) {
                    Shop shop = courier.client(Shop.class).target(server.uri()).deadline(Duration.ofSeconds(10)).build();
                    List<Future<List<Throwable>>> each = new ArrayList<>();
                    for (int c = 0; c < CALLERS; c++) {
                        each.add(callers.submit(() -> {
                            List<Throwable> seen = new ArrayList<>();
                            for (int i = 0; i < CALLS / CALLERS; i++) {
                                try {
                                    shop.get(i);
                                } catch (RuntimeException e) {
                                    seen.add(e);
                                }
                            }
                            return seen;
                        }));
                    }
                    failures = new ArrayList<>();
                    for (Future<List<Throwable>> f : each) {
                        failures.addAll(f.get());
                    }
                }
                assertThat(captured.lines("ERROR")).as("%s", captured).isEmpty();
                assertThat(captured.lines("WARN")).as("%s", captured).hasSize(1)
                        .allSatisfy(line -> assertThat(line).contains(server.uri() + ": connection lost"));
                assertThat(captured.stackTraceLines()).as("%s", captured).isEmpty();
            }
            assertThat(server.resets.get()).as("connections reset").isGreaterThanOrEqualTo(CALLS);
            assertThat(failures).hasSize(CALLS).hasOnlyElementsOfType(UnavailableException.class);
        }
    }

    /** Accepts connections on loopback and resets each at once (SO_LINGER 0, then close). */
    private static final class Resetting implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 4096, InetAddress.getByName("127.0.0.1"));
        final AtomicInteger resets = new AtomicInteger();

        Resetting() throws IOException {
            Thread.ofPlatform().daemon().name("resetting-server").start(() -> {
                while (!socket.isClosed()) {
                    try (Socket accepted = socket.accept()) {
                        accepted.setSoLinger(true, 0);
                        resets.incrementAndGet();
                    } catch (IOException closed) {
                        return; // the server socket closed
                    }
                }
            });
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
