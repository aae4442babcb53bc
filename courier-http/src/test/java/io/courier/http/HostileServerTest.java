package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.ConflictException;
import io.courier.Courier;
import io.courier.CourierException;
import io.courier.DeadlineExceededException;
import io.courier.InternalException;
import io.courier.NotFoundException;
import io.courier.Status;
import io.courier.spi.WireText;
import io.courier.test.AllocatedBytes;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Courier REST client calling servers that misbehave, written by hand on a raw socket: the
 * caller gets a typed error that says what was wrong, with bounded text and memory, and the
 * next call on the same client still works.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileServerTest {
    private static final String ORDER = "{\"id\":1,\"items\":[],\"placedAt\":\"2024-01-01T00:00:00Z\"}";

    private LogCapture log;
    private RawServer server;
    private Courier courier;
    private Shop shop;

    @BeforeEach
    void start() throws IOException {
        log = LogCapture.start();
        server = new RawServer();
        courier = Courier.builder().name("hostile-server-client").build();
        shop = courier.client(Shop.class).target(server.uri()).deadline(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws IOException {
        try (LogCapture captured = log) {
            courier.close();
            server.close();
            // Nothing that the client could have said in the caller's exception is logged as an error.
            assertThat(captured.lines("ERROR")).as(captured.toString()).isEmpty();
            assertThat(captured.stackTraceLines()).as(captured.toString()).isEmpty();
        }
    }

    @Test
    void aProblemDetailOfAMegabyteIsCutAsAServerCutsIt() {
        server.answer = json(404, "application/problem+json", "{\"code\":\"NOT_FOUND\",\"detail\":\""
                + "x".repeat(1 << 20) + "\",\"details\":{\"sku\":\"" + "y".repeat(1 << 20) + "\"}}");

        assertThatThrownBy(() -> shop.get(1)).isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.getMessage().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(WireText.MAX_MESSAGE_BYTES);
            assertThat(e.getMessage()).startsWith("xxx").endsWith(WireText.MARKER);
            assertThat(e.details().get("sku")).hasSizeLessThanOrEqualTo(WireText.MAX_DETAILS_BYTES).endsWith(WireText.MARKER);
        });
    }

    @Test
    void aProblemOfAServerThatIsNotCourierKeepsItsDetail() {
        server.answer = json(409, "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"Conflict\",\"status\":409,\"detail\":\"sku 7 is out of stock\"}");

        assertThatThrownBy(() -> shop.get(1)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("answered HTTP 409: sku 7 is out of stock (a problem body naming no Courier status)");
    }

    @Test
    void aDeclaredLengthAllocatesNothingBeforeTheBytesArrive() {
        // 60 MB declared, a few bytes sent, then nothing: the deadline ends the call.
        server.answer = (in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 62914560\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            server.stall(in);
        };
        Shop impatient = courier.client(Shop.class).target(server.uri()).deadline(Duration.ofMillis(500)).build();
        long before = AllocatedBytes.total();

        assertThatThrownBy(() -> impatient.get(1)).isInstanceOf(DeadlineExceededException.class);

        assertThat(AllocatedBytes.total() - before).as("bytes allocated by all threads during the call")
                .isLessThan(16L << 20);
        Await.until(Duration.ofSeconds(5), "the stalled connection closed", () -> server.stalled.get() == 0);
    }

    @Test
    void anInterimStatusAsTheAnswerClosesItsConnectionAndTheNextCallGoesOnAFreshOne() {
        server.answer = fixed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");

        assertThatThrownBy(() -> shop.get(1)).isInstanceOfSatisfying(InternalException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.INTERNAL);
            assertThat(e.getMessage()).endsWith("answered HTTP 101 (expected: a final status; the request asked for no"
                    + " protocol switch)");
        });

        server.answer = json(200, "application/json", ORDER);
        assertThat(shop.get(1).id()).isEqualTo(1);
    }

    @Test
    void aGzipBodyTheClientDidNotAskForIsRefusedUnread() throws IOException {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bomb)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                gzip.write(zeros); // 64 MiB of zeros in about 64 KiB
            }
        }
        byte[] body = bomb.toByteArray();
        server.answer = (in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
        };

        assertThatThrownBy(() -> shop.get(1)).isInstanceOf(InternalException.class)
                .hasMessageEndingWith("answered with content-encoding \"gzip\" (expected: identity; the client asks"
                        + " for no compression)");

        server.answer = json(200, "application/json", ORDER);
        assertThat(shop.get(1).id()).isEqualTo(1);
    }

    @Test
    void aServerThatStallsMidBodyIsLeftAtTheDeadlineAndItsConnectionClosed() {
        server.answer = (in, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\""
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            server.stall(in);
        };
        Shop impatient = courier.client(Shop.class).target(server.uri()).deadline(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> impatient.get(1)).isInstanceOf(DeadlineExceededException.class);
        Await.until(Duration.ofSeconds(5), "the stalled connection closed", () -> server.stalled.get() == 0);

        server.answer = json(200, "application/json", ORDER);
        assertThat(shop.get(1).id()).isEqualTo(1);
    }

    @Test
    void callsWaitingForAConnectionWhenTheirDeadlinePassesEndQuietly() throws Exception {
        server.answer = (in, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            server.stall(in);
        };
        Shop impatient = courier.client(Shop.class).target(server.uri()).deadline(Duration.ofMillis(500)).build();
        int calls = 80; // more than the pool's 64 connections: some wait for one until their deadline
        List<CompletableFuture<Shop.Order>> pending = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < calls; i++) {
                pending.add(CompletableFuture.supplyAsync(() -> impatient.get(1), callers));
            }
            for (CompletableFuture<Shop.Order> call : pending) {
                assertThat(call).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                        .havingCause().isInstanceOf(DeadlineExceededException.class);
            }
        }
        Await.until(Duration.ofSeconds(5), "every stalled connection closed", () -> server.stalled.get() == 0);

        server.answer = json(200, "application/json", ORDER);
        assertThat(shop.get(1).id()).isEqualTo(1);
        // stop() checks that none of them was logged as an ERROR
    }

    @Test
    void aCallAbandonedWhileItsBodyIsGoingOutClosesItsConnectionThen() throws IOException {
        // A server that accepts and never reads. Its receive buffer is set, so the kernel cannot grow
        // it to hold the whole body (Linux grows it up to tcp_rmem's maximum, 32 MiB here): what the
        // two kernels hold is then well under the body, and the rest waits in the client.
        String note = "x".repeat(8 << 20);
        int calls = 4;
        List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocket deaf = new ServerSocket()) {
            deaf.setReceiveBufferSize(64 << 10);
            deaf.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(() -> {
                while (true) {
                    try {
                        accepted.add(deaf.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            Shop impatient = courier.client(Shop.class).target(URI.create("http://127.0.0.1:" + deaf.getLocalPort()))
                    .deadline(Duration.ofSeconds(1)).build(); // long enough to have sent a part of the body
            for (int i = 0; i < calls; i++) {
                assertThatThrownBy(() -> impatient.note(1, "probe", note)).isInstanceOf(DeadlineExceededException.class);
            }
            Await.until(Duration.ofSeconds(5), () -> "a connection for each call, not " + accepted.size(),
                    () -> accepted.size() == calls);

            // Reading now ends a connection closed at the deadline after what the kernels held; one
            // left open gets the rest of the body first, then ends only if the client closes it.
            List<Long> received = new ArrayList<>();
            for (Socket connection : accepted) {
                received.add(drain(connection, Duration.ofSeconds(10)));
            }
            assertThat(received).as("bytes received on each connection before the client closed it (-1: still open)")
                    .allSatisfy(bytes -> assertThat(bytes).isBetween(0L, (long) note.length()));
        } finally {
            for (Socket connection : accepted) {
                connection.close();
            }
        }
    }

    /** The bytes read from {@code connection} up to its end, or -1 if it is still open after {@code patience}. */
    private static long drain(Socket connection, Duration patience) throws IOException {
        connection.setSoTimeout((int) patience.toMillis());
        byte[] buffer = new byte[64 << 10];
        long total = 0;
        try (InputStream in = connection.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        } catch (java.net.SocketTimeoutException open) {
            return -1;
        } catch (IOException reset) {
            // ended by a reset: closed too
        }
        return total;
    }

    @Test
    void aMalformedOrMistypedBodyIsTheServersFault() {
        server.answer = json(200, "application/json", "{\"id\":\"abc\"}");
        assertThatThrownBy(() -> shop.get(1)).isInstanceOf(InternalException.class)
                .hasMessageEndingWith("unreadable response from GET " + server.uri() + "/orders/1: body: $.id: \"abc\""
                        + " (expected: an integer)");
        server.answer = json(500, "text/html", "<html>boom</html>");
        assertThatThrownBy(() -> shop.get(1)).isInstanceOf(CourierException.class)
                .hasMessageEndingWith("answered HTTP 500 without a problem body");
    }

    @Test
    void anAnswerThatIsNotHttpIsSaidSoNotInTheHttpStacksWords() {
        String target = server.uri() + "/orders/1 ";
        expectUnavailable((in, out) -> {
            throw new IOException("hangs up before the status line");
        }, target + "closed the connection before its answer was complete");
        expectUnavailable((in, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\""
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            throw new IOException("hangs up mid-body");
        }, target + "closed the connection before its answer was complete");
        expectUnavailable(fixed("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "ZZ\r\n{}\r\n0\r\n\r\n"), target + "answered with a malformed chunked body (expected: chunk sizes"
                + " in hexadecimal)");
        expectUnavailable(fixed("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(100 << 10) + "\r\n\r\n"),
                target + "answered with headers over 8192 bytes (expected: at most 8192)");
        StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 10_000; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        expectUnavailable(fixed(many.append("\r\n").toString()),
                target + "answered with headers over 8192 bytes (expected: at most 8192)");
        expectUnavailable(fixed("FOO 200 OK\r\nContent-Length: 0\r\n\r\n"),
                target + "answered something that is not HTTP/1.1 (expected: a status line such as HTTP/1.1 200 OK)");

        server.answer = json(200, "application/json", ORDER);
        assertThat(shop.get(1).id()).isEqualTo(1);
    }

    @Test
    void aProblemBodyThatCannotBeReadIsSaidToBeUnreadable() {
        server.answer = json(503, "application/problem+json", "{\"code\": \"UNAVAIL");
        assertThatThrownBy(() -> shop.get(1)).isInstanceOfSatisfying(CourierException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.UNAVAILABLE);
            assertThat(e.getMessage()).endsWith("answered HTTP 503 with an unreadable problem body (expected:"
                    + " application/problem+json as RFC 9457 writes it)");
        });
    }

    /** The call fails UNAVAILABLE, not safe to retry (the request went out), with {@code message} and the stack's cause. */
    private void expectUnavailable(Answer answer, String message) {
        server.answer = answer;
        assertThatThrownBy(() -> shop.get(1)).isInstanceOfSatisfying(CourierException.class, e -> {
            assertThat(e.status()).isEqualTo(Status.UNAVAILABLE);
            assertThat(e.retrySafe()).isFalse();
            assertThat(e.getMessage()).isEqualTo("shop.get: GET " + message);
            assertThat(e.getCause()).isNotNull();
        });
    }

    private static Answer fixed(String response) {
        return (in, out) -> out.write(response.getBytes(StandardCharsets.UTF_8));
    }

    private static Answer json(int status, String type, String body) {
        return fixed("HTTP/1.1 " + status + " Answer\r\nContent-Type: " + type + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
    }

    /** What the server writes for one request, whose head has been read. */
    interface Answer {
        void answer(InputStream in, OutputStream out) throws IOException;
    }

    /** An HTTP/1.1 server that reads request heads (no bodies: the tests send GETs) and writes what it is told. */
    static final class RawServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0);
        /** Connections held by {@link #stall} until the client closes them. */
        final AtomicInteger stalled = new AtomicInteger();
        volatile Answer answer;

        RawServer() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket accepted = socket.accept();
                        Thread.ofVirtual().start(() -> serve(accepted));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        /** Reads nothing more and answers nothing more, until the client closes the connection. */
        void stall(InputStream in) throws IOException {
            stalled.incrementAndGet();
            try {
                while (in.read() >= 0) {
                    // discarded
                }
            } finally {
                stalled.decrementAndGet();
            }
            throw new IOException("closed by the client");
        }

        private void serve(Socket connection) {
            try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
                while (readHead(in)) {
                    answer.answer(in, out);
                    out.flush();
                }
            } catch (IOException gone) {
                // the client closed the connection
            }
        }

        /** Reads up to the blank line that ends a request head; false at the end of the stream. */
        private static boolean readHead(InputStream in) throws IOException {
            int matched = 0;
            for (int c = in.read(); c >= 0; c = in.read()) {
                matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : c == '\r' ? 1 : 0;
                if (matched == 4) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
