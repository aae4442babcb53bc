package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Courier;
import io.courier.Tls;
import io.courier.http.testing.Sockets;
import io.courier.test.TestCertificates;
import io.courier.test.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServerLimits} on a live server on loopback: slow clients are cut off while a
 * well-behaved one keeps getting answers, a connection flood does not stop the server, excess
 * connections are closed, and HTTP/2 clients are told the stream limit.
 */
class ServerProtectionTest {
    private static final byte[] SLOW_REQUEST = "GET /orders/5 HTTP/1.1\r\nHost: localhost\r\nX-Pad: aaaaaaaaaaaaaaaaaaaa\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GOOD = "GET /orders/5 HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static Courier serve(ServerLimits limits) {
        return Courier.builder().name("protected").transport(HttpTransportFactory.builder().limits(limits).build())
                .build().serve(Shop.class, new ShopImpl());
    }

    @Test
    void slowClientsAreCutOffWhileAGoodClientIsAnswered() throws Exception {
        try (Courier server = serve(ServerLimits.builder().requestReadTimeout(Duration.ofSeconds(1)).build())) {
            InetSocketAddress address = address(server.uri());
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    // A first request, answered; the server now watches the connection.
                    Socket socket = connect(address);
                    assertThat(answer(socket, GOOD)).startsWith("HTTP/1.1 200");
                    slow.add(socket);
                }
                boolean[] cut = new boolean[slow.size()];
                long start = System.nanoTime();
                // Then the next request's head at one byte per connection every 100 ms: 7 s to arrive.
                for (int tick = 0; !allTrue(cut); tick++) {
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("slow connections cut within 4 s")
                            .isLessThan(Duration.ofSeconds(4));
                    for (int i = 0; i < slow.size(); i++) {
                        if (!cut[i]) {
                            cut[i] = !writeOneByte(slow.get(i), SLOW_REQUEST[tick % SLOW_REQUEST.length]);
                        }
                    }
                    // Meanwhile a well-behaved client gets its answer within its deadline.
                    long asked = System.nanoTime();
                    try (Socket good = connect(address)) {
                        assertThat(exchange(good, GOOD, Duration.ofSeconds(2))).startsWith("HTTP/1.1 200");
                    }
                    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(2));
                    Thread.sleep(100); // the slow clients' pace, not a wait for a condition
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not cut before the timeout")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
            } finally {
                closeAll(slow);
            }
        }
    }

    @Test
    void aSlowBodyIsCutOffToo() throws Exception {
        try (Courier server = serve(ServerLimits.builder().requestReadTimeout(Duration.ofMillis(500)).build());
             Socket socket = connect(address(server.uri()))) {
            socket.getOutputStream().write(("PUT /orders/3/note HTTP/1.1\r\nHost: a\r\nx-note-author: bo\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n\"").getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(5_000);
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            // The body never comes: the server closes the connection, without an answer.
            assertThat(in.readAllBytes()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
        }
    }

    @Test
    void aConnectionFloodLeavesTheServerAnswering() throws Exception {
        try (Courier server = serve(ServerLimits.defaults())) {
            InetSocketAddress address = address(server.uri());
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 1_000; i++) {
                    flood.add(connect(address));
                }
                for (int i = 0; i < 20; i++) {
                    long asked = System.nanoTime();
                    try (Socket good = connect(address)) {
                        assertThat(exchange(good, GOOD, Duration.ofSeconds(2))).startsWith("HTTP/1.1 200");
                    }
                    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(2));
                }
            } finally {
                closeAll(flood);
            }
        }
    }

    /**
     * Over TLS the first request of a new connection is timed from the accept: a client that
     * connects and never starts the handshake is cut by the handshake bound, and clients that
     * finish the handshake and then dribble their first request line or header are cut by the
     * request read timeout (1 s), long before the idle timeout (1 min), while a client that sends
     * its first request in time is answered.
     */
    @Test
    void overTlsANewConnectionsFirstRequestIsTimedFromTheAccept(@TempDir Path dir) throws Exception {
        TestCertificates.Files pki = TestCertificates.writeFiles(dir);
        Tls tls = Tls.builder().keyCertificate(pki.serverCert(), pki.serverKey()).build();
        try (Courier server = Courier.builder().name("protected").tls(tls).transport(HttpTransportFactory.builder()
                .limits(ServerLimits.builder().requestReadTimeout(Duration.ofSeconds(1)).idleTimeout(Duration.ofMinutes(1))
                        .build()).build()).build().serve(Shop.class, new ShopImpl())) {
            InetSocketAddress address = address(server.uri());
            SSLContext ssl = SSLContext.getInstance("TLS");
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(pki.authority().trustStore());
            ssl.init(null, trust.getTrustManagers(), null);
            assertThat(tlsGet(ssl, server.uri())).isEqualTo(200); // and the client's TLS is warm: handshakes are quick
            List<Socket> slow = new ArrayList<>();
            try {
                slow.add(connect(address)); // never says hello
                for (String start : List.of("G", "GET /orders/5 HTTP/1.1\r\nHost: localhost\r\nX-Pad: ")) {
                    SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(address.getHostString(),
                            address.getPort());
                    socket.startHandshake();
                    socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    slow.add(socket);
                }
                long start = System.nanoTime();
                boolean[] cut = new boolean[3];
                while (!allTrue(cut)) {
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("slow first requests cut within 4 s: "
                            + Arrays.toString(cut)).isLessThan(Duration.ofSeconds(4));
                    cut[0] = Sockets.closedByServer(slow.get(0));
                    for (int i = 1; i < 3; i++) {
                        cut[i] = cut[i] || !writeOneByte(slow.get(i), (byte) 'a'); // a line or a header without end
                    }
                    Thread.sleep(50);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
                assertThat(tlsGet(ssl, server.uri())).isEqualTo(200);
            } finally {
                closeAll(slow);
            }
        }
    }

    /**
     * On the cleartext port (HTTP/1.1 and h2c), too, the first request of a new connection is
     * timed from the accept: connections that dribble their first request line and headers a
     * byte every 50 ms, and connections that send nothing, are each cut within 1.25 read timeouts
     * (500 ms) and a margin of their accept, long before the idle timeout (1 min). Meanwhile new
     * HTTP/1.1 connections and HTTP/2 clients (prior knowledge and h2c upgrade) are answered, a
     * connection whose first head arrives in two parts within the timeout is answered and goes on
     * being served, and the HTTP/2 connections, taken over at once, outlive the clock.
     */
    @Test
    void overCleartextANewConnectionsFirstRequestIsTimedFromTheAccept() throws Exception {
        Duration timeout = Duration.ofMillis(500);
        Duration bound = Duration.ofMillis(625 + 875); // 1.25 timeouts, and a margin for a busy machine
        long pace = TimeUnit.MILLISECONDS.toNanos(50);
        Vertx vertx = Vertx.vertx();
        List<Socket> slow = new ArrayList<>();
        try (Courier server = serve(ServerLimits.builder().requestReadTimeout(timeout).idleTimeout(Duration.ofMinutes(1))
                .build())) {
            InetSocketAddress address = address(server.uri());
            var h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false));
            var h2c = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(true));
            try (Courier warmUp = serve(ServerLimits.defaults())) {
                // The clients' very first connection, slow on a busy machine, is not the one timed here.
                http2Get(h2, warmUp.uri());
                http2Get(h2c, warmUp.uri());
            }
            long http2Since = System.nanoTime();
            int h2Port = http2Get(h2, server.uri());
            int h2cPort = http2Get(h2c, server.uri());
            int dribbling = 20;
            int silent = 5;
            long[] accepted = new long[dribbling + silent];
            long[] cutAt = new long[accepted.length];
            for (int i = 0; i < accepted.length; i++) {
                slow.add(connect(address));
                accepted[i] = System.nanoTime();
            }
            // One that sends the first half of its first head now, the rest 150 ms later: in time.
            Socket inTime = connect(address);
            slow.add(inTime);
            long inTimeSince = System.nanoTime();
            inTime.getOutputStream().write(GOOD, 0, GOOD.length / 2);
            inTime.getOutputStream().flush();
            boolean[] inTimeSent = {false};
            long[] next = {System.nanoTime()};
            int[] written = {0};
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
                next[0] = now + pace;
                // The request line, the Host header, then an X-Pad header that never ends.
                byte b = written[0] < SLOW_REQUEST.length - 4 ? SLOW_REQUEST[written[0]++] : (byte) 'a';
                for (int i = 0; i < dribbling; i++) {
                    if (cutAt[i] == 0 && !writeOneByte(slow.get(i), b)) {
                        cutAt[i] = System.nanoTime();
                    }
                }
                // Meanwhile the well-behaved are answered.
                askInTime(inTime, inTimeSent, now - inTimeSince >= TimeUnit.MILLISECONDS.toNanos(150));
                try (Socket good = connect(address)) {
                    assertThat(exchange(good, GOOD, Duration.ofSeconds(2))).startsWith("HTTP/1.1 200");
                } catch (IOException e) {
                    throw new AssertionError("a new HTTP/1.1 connection failed", e);
                }
                assertThat(http2Get(h2, server.uri())).as("the prior-knowledge connection").isEqualTo(h2Port);
                assertThat(http2Get(h2c, server.uri())).as("the upgraded connection").isEqualTo(h2cPort);
                for (long at : cutAt) {
                    if (at == 0) {
                        return false;
                    }
                }
                return true;
            });
            for (int i = 0; i < accepted.length; i++) {
                assertThat(Duration.ofNanos(cutAt[i] - accepted[i]))
                        .as("connection %d (%s) cut after its accept", i, i < dribbling ? "dribbling" : "silent")
                        .isBetween(timeout.multipliedBy(9).dividedBy(10), bound);
            }
            assertThat(inTimeSent[0]).as("the in-time connection's head sent in full").isTrue();
            // Taken over, the in-time connection (asking every 50 ms) and the HTTP/2 ones keep
            // being served until two timeouts after their accept, past the clock's 1.25.
            Await.until(Duration.ofSeconds(5), "two timeouts since the in-time connection's accept", () -> {
                long now = System.nanoTime();
                if (now - next[0] >= 0) {
                    next[0] = now + pace;
                    askInTime(inTime, inTimeSent, true);
                    assertThat(http2Get(h2, server.uri())).as("the prior-knowledge connection").isEqualTo(h2Port);
                    assertThat(http2Get(h2c, server.uri())).as("the upgraded connection").isEqualTo(h2cPort);
                }
                return now - inTimeSince > timeout.multipliedBy(2).toNanos()
                        && now - http2Since > timeout.multipliedBy(2).toNanos();
            });
        } finally {
            closeAll(slow);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The in-time connection: the second half of its first head once {@code due}, then a whole request each time. */
    private static void askInTime(Socket inTime, boolean[] sent, boolean due) {
        try {
            if (sent[0]) {
                assertThat(answer(inTime, GOOD)).startsWith("HTTP/1.1 200");
            } else if (due) {
                sent[0] = true;
                assertThat(answer(inTime, Arrays.copyOfRange(GOOD, GOOD.length / 2, GOOD.length))).startsWith("HTTP/1.1 200");
            }
        } catch (IOException e) {
            throw new AssertionError("the connection whose first head came in time was cut", e);
        }
    }

    /** A GET over HTTP/2, answered 200; the client's port of the connection it went on. */
    private static int http2Get(io.vertx.core.http.HttpClient client, URI uri) {
        try {
            return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost())
                            .setPort(uri.getPort()).setURI("/orders/5"))
                    .compose(request -> request.send().compose(response -> response.body().map(body -> {
                        assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
                        assertThat(response.statusCode()).isEqualTo(200);
                        return request.connection().localAddress().port();
                    })))
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("a well-behaved HTTP/2 client failed", e);
        }
    }

    @Test
    void aSilentConnectionIsClosedWhenIdle() throws Exception {
        try (Courier server = serve(ServerLimits.builder().idleTimeout(Duration.ofMillis(500)).build());
             Socket silent = connect(address(server.uri()));
             Socket started = connect(address(server.uri()))) {
            started.getOutputStream().write("GET /orders/5 HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            Await.until(Duration.ofSeconds(5), "both connections closed", () -> Sockets.closedByServer(silent) && Sockets.closedByServer(started));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void connectionsPastTheMaximumAreClosed() throws Exception {
        try (Courier server = serve(ServerLimits.builder().maxConnections(50).build())) {
            InetSocketAddress address = address(server.uri());
            List<Socket> held = new ArrayList<>();
            int closed = 0;
            try {
                for (int i = 0; i < 60; i++) {
                    // The server counts a connection from its first request's head on.
                    Socket socket = connect(address);
                    held.add(socket);
                    try {
                        assertThat(answer(socket, GOOD)).startsWith("HTTP/1.1 200");
                    } catch (IOException closedByServer) {
                        closed++;
                    }
                }
                assertThat(closed).as("connections closed past the 50th").isEqualTo(10);
                // The 50 that stay are served again.
                assertThat(answer(held.get(0), GOOD)).startsWith("HTTP/1.1 200");
            } finally {
                closeAll(held);
            }
            // Once they go, new connections are served again.
            Await.until(Duration.ofSeconds(10), "a new connection served", () -> {
                try (Socket good = connect(address)) {
                    return answer(good, GOOD).startsWith("HTTP/1.1 200");
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void http2ClientsAreToldTheStreamLimit() throws Exception {
        try (Courier server = serve(ServerLimits.builder().maxConcurrentStreams(7).build())) {
            Vertx vertx = Vertx.vertx();
            try {
                var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                        .setHttp2ClearTextUpgrade(false));
                URI uri = server.uri();
                var request = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost())
                        .setPort(uri.getPort()).setURI("/orders/5")).toCompletionStage().toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                var response = request.send().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(request.connection().remoteSettings().getMaxConcurrentStreams()).isEqualTo(7);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void limitsOutOfRangeAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> ServerLimits.builder().maxConnections(0).build())
                .hasMessage("maxConnections: 0 (expected: at least 1)");
        assertThatThrownBy(() -> ServerLimits.builder().requestReadTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage("requestReadTimeout: PT-1S (expected: zero to turn it off, or positive)");
        assertThatThrownBy(() -> ServerLimits.builder().maxConcurrentStreams(0).build())
                .hasMessageStartingWith("maxConcurrentStreams: 0");
        assertThatThrownBy(() -> ServerLimits.builder().writeTimeout(Duration.ofMillis(-1)).build())
                .hasMessage("writeTimeout: PT-0.001S (expected: zero to turn it off, or positive)");
        assertThat(ServerLimits.defaults()).isEqualTo(new ServerLimits(Duration.ofSeconds(30), Duration.ofMinutes(2), 10_000, 1_000));
        assertThat(ServerLimits.defaults().writeTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(ServerLimits.builder().idleTimeout(Duration.ofSeconds(5)).build().writeTimeout())
                .as("the idle timeout's, unless set").isEqualTo(Duration.ofSeconds(5));
        assertThat(ServerLimits.builder().writeTimeout(Duration.ZERO).build().writeTimeout()).isZero();
    }

    private static int tlsGet(SSLContext ssl, URI uri) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(HttpRequest.newBuilder(uri.resolve("/orders/5")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    private static InetSocketAddress address(URI uri) {
        return new InetSocketAddress(uri.getHost(), uri.getPort());
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        return socket;
    }

    /** Writes one byte; false when the connection is gone. */
    private static boolean writeOneByte(Socket socket, byte b) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(b);
            out.flush();
            // A closed connection shows at once on the reading side.
            socket.setSoTimeout(1);
            try {
                return socket.getInputStream().read() != -1 || false;
            } catch (SocketTimeoutException stillOpen) {
                return true;
            }
        } catch (IOException gone) {
            return false;
        }
    }

    private static String exchange(Socket socket, byte[] request, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            head.append((char) c);
            if (head.length() >= 12) {
                break; // the status line's start is enough
            }
        }
        return head.toString();
    }

    /** Sends {@code request} and reads its whole answer (head and Content-Length body). */
    private static String answer(Socket socket, byte[] request) throws IOException {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c == -1) {
                throw new java.io.EOFException("closed after " + head.length() + " bytes");
            }
            head.append((char) c);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return head.toString();
    }

    private static int closedByServer(List<Socket> sockets) {
        int closed = 0;
        for (Socket s : sockets) {
            if (Sockets.closedByServer(s)) {
                closed++;
            }
        }
        return closed;
    }

    private static boolean allTrue(boolean[] values) {
        for (boolean v : values) {
            if (!v) {
                return false;
            }
        }
        return true;
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
