package io.courier.http;

import static io.courier.http.testing.RawHttp2.CONTINUATION;
import static io.courier.http.testing.RawHttp2.END_HEADERS;
import static io.courier.http.testing.RawHttp2.END_STREAM;
import static io.courier.http.testing.RawHttp2.HEADERS;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.Tls;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import io.courier.test.TestCertificates;
import io.courier.http.testing.RawHttp2;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CONTINUATION flood (CVE-2024-27316's class): a header block that never ends, continued by
 * frames of no bytes, which the header size limit never sees. The server counts the frames of
 * each header block and ends the connection with GOAWAY ENHANCE_YOUR_CALM past 32 CONTINUATION
 * frames (the bound under the default 16 KB header limit) or 2 empty ones, over cleartext with
 * prior knowledge, after an h2c upgrade and over TLS, while blocks a client legitimately cuts
 * in pieces are served.
 */
class ContinuationFloodTest {
    /** A 14 KB header value: a block under the default 16 KB header limit. */
    private static final String FILLER = "~".repeat(14_000);

    @TempDir
    Path dir;

    private static Courier serve(Tls tls) {
        Courier.Builder builder = Courier.builder().name("continuations");
        if (tls != null) {
            builder.tls(tls);
        }
        return builder.build().serve(Shop.class, new ShopImpl());
    }

    /**
     * An endless block of empty CONTINUATION frames is cut with GOAWAY ENHANCE_YOUR_CALM and its
     * connection closed; another HTTP/2 connection opened before it is served on, as is an
     * HTTP/1.1 client, and nothing is logged.
     */
    @Test
    void anEndlessBlockOfEmptyContinuationFramesIsCut() throws Exception {
        try (LogCapture log = LogCapture.start(); Courier server = serve(null);
             RawHttp2 other = RawHttp2.connect(RawHttp2.address(server), true)) {
            try (RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true)) {
                flood(h2, 1);
                assertCut(h2);
            }
            other.headers(1, RawHttp2.get("/orders/5"), true);
            other.flush();
            Await.until(Duration.ofSeconds(5), "the other connection's answer", () -> other.statuses.containsKey(1),
                    other::toString);
            assertThat(other.statuses.get(1)).isEqualTo(200);
            assertThat(other.ended()).isFalse();
            assertThat(http11Status(server)).isEqualTo(200);
            assertThat(log.lines()).isEmpty();
        }
    }

    /**
     * The bound, frame by frame: a 14 KB block in 1 KB frames, in 33 frames (32 CONTINUATION),
     * and with 2 empty CONTINUATION frames is answered; the same block in 34 frames, or followed
     * by 3 empty frames, ends the connection at the frame past the bound, before the block ends.
     */
    @Test
    void aBlockIsServedUpToTheBoundAndCutPastIt() throws Exception {
        try (LogCapture log = LogCapture.start(); Courier server = serve(null)) {
            InetSocketAddress address = RawHttp2.address(server);
            try (RawHttp2 h2 = RawHttp2.connect(address, true)) {
                assertServedInPieces(h2, 1, 1_000);
                assertServedInFrames(h2, 3, 33);
                byte[] block = h2.block(largeGet());
                h2.frame(HEADERS, END_STREAM, 5, block);
                h2.frame(CONTINUATION, 0, 5, new byte[0]);
                h2.frame(CONTINUATION, END_HEADERS, 5, new byte[0]);
                h2.flush();
                Await.until(Duration.ofSeconds(5), "the answer", () -> h2.statuses.containsKey(5), h2::toString);
                assertThat(h2.statuses.get(5)).isEqualTo(200);
                assertThat(h2.ended()).isFalse();
            }
            try (RawHttp2 h2 = RawHttp2.connect(address, true)) {
                byte[] block = h2.block(largeGet());
                int piece = (block.length + 33) / 34;
                h2.frame(HEADERS, END_STREAM, 1, Arrays.copyOfRange(block, 0, piece));
                for (int i = 1; i <= 32; i++) {
                    h2.frame(CONTINUATION, 0, 1, Arrays.copyOfRange(block, i * piece, (i + 1) * piece));
                }
                h2.frame(CONTINUATION, END_HEADERS, 1, Arrays.copyOfRange(block, 33 * piece, block.length));
                h2.flush();
                assertCut(h2);
                assertThat(h2.statuses).isEmpty();
            }
            try (RawHttp2 h2 = RawHttp2.connect(address, true)) {
                h2.frame(HEADERS, END_STREAM, 1, h2.block(RawHttp2.get("/orders/5")));
                for (int i = 0; i < 3; i++) {
                    h2.frame(CONTINUATION, 0, 1, new byte[0]);
                }
                h2.flush();
                assertCut(h2);
            }
            assertThat(log.lines()).isEmpty();
        }
    }

    /** Over TLS, where ALPN chose HTTP/2: the flood is cut and a block in 33 frames is served. */
    @Test
    void overTlsTheFloodIsCutAndASplitBlockServed() throws Exception {
        TestCertificates.Files pki = TestCertificates.writeFiles(dir);
        Tls tls = Tls.builder().keyCertificate(pki.serverCert(), pki.serverKey()).trust(pki.ca()).build();
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((KeyStore) pki.authority().trustStore());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust.getTrustManagers(), null);
        try (LogCapture log = LogCapture.start(); Courier server = serve(tls)) {
            try (RawHttp2 h2 = RawHttp2.over(alpnH2(ssl, RawHttp2.address(server)), true)) {
                assertServedInFrames(h2, 1, 33);
            }
            try (RawHttp2 h2 = RawHttp2.over(alpnH2(ssl, RawHttp2.address(server)), true)) {
                flood(h2, 1);
                assertCut(h2);
            }
            assertThat(log.lines()).isEmpty();
        }
    }

    /**
     * After an h2c upgrade, the HTTP/2 frames come after the HTTP/1.1 request: the upgraded
     * request is answered, a block in 33 frames too, and the flood that follows is cut.
     */
    @Test
    void afterAnH2cUpgradeTheFloodIsCut() throws Exception {
        try (LogCapture log = LogCapture.start(); Courier server = serve(null)) {
            Socket socket = new Socket();
            socket.connect(RawHttp2.address(server), 5_000);
            socket.getOutputStream().write(("GET /orders/5 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(responseHead(socket.getInputStream())).startsWith("HTTP/1.1 101");
            try (RawHttp2 h2 = RawHttp2.over(socket, true)) {
                Await.until(Duration.ofSeconds(5), "the upgraded request's answer", () -> h2.statuses.containsKey(1),
                        h2::toString);
                assertThat(h2.statuses.get(1)).isEqualTo(200);
                assertServedInFrames(h2, 3, 33);
                flood(h2, 5);
                assertCut(h2);
            }
            assertThat(http11Status(server)).isEqualTo(200);
            assertThat(log.lines()).isEmpty();
        }
    }

    private static io.netty.handler.codec.http2.Http2Headers largeGet() {
        return RawHttp2.get("/orders/5").add("x-filler", FILLER);
    }

    /** A 14 KB request head on {@code stream}, cut in {@code frames} frames: answered 200. */
    private static void assertServedInFrames(RawHttp2 h2, int stream, int frames) throws Exception {
        byte[] block = h2.block(largeGet());
        sendInPieces(h2, stream, block, (block.length + frames - 1) / frames);
        awaitOk(h2, stream);
    }

    /** A 14 KB request head on {@code stream}, cut in frames of {@code bytes}: answered 200. */
    private static void assertServedInPieces(RawHttp2 h2, int stream, int bytes) throws Exception {
        sendInPieces(h2, stream, h2.block(largeGet()), bytes);
        awaitOk(h2, stream);
    }

    private static void sendInPieces(RawHttp2 h2, int stream, byte[] block, int piece) throws IOException {
        for (int at = 0; at < block.length; at += piece) {
            boolean last = at + piece >= block.length;
            byte[] bytes = Arrays.copyOfRange(block, at, Math.min(block.length, at + piece));
            h2.frame(at == 0 ? HEADERS : CONTINUATION, (at == 0 ? END_STREAM : 0) | (last ? END_HEADERS : 0), stream, bytes);
        }
        h2.flush();
    }

    private static void awaitOk(RawHttp2 h2, int stream) {
        Await.until(Duration.ofSeconds(5), "stream " + stream + "'s answer", () -> h2.statuses.containsKey(stream),
                h2::toString);
        assertThat(h2.statuses.get(stream)).isEqualTo(200);
        assertThat(h2.ended()).isFalse();
    }

    /**
     * A HEADERS frame without END_HEADERS on {@code stream}, then empty CONTINUATION frames, a
     * thousand a write, until the server ends the connection (or a million were sent).
     */
    private static void flood(RawHttp2 h2, int stream) throws IOException {
        h2.frame(HEADERS, END_STREAM, stream, h2.block(RawHttp2.get("/orders/5")));
        byte[] empty = RawHttp2.frameBytes(CONTINUATION, 0, stream, new byte[0]);
        byte[] batch = new byte[empty.length * 1_000];
        for (int i = 0; i < 1_000; i++) {
            System.arraycopy(empty, 0, batch, i * empty.length, empty.length);
        }
        try {
            for (int sent = 0; sent < 1_000_000 && !h2.ended(); sent += 1_000) {
                h2.raw(batch);
            }
        } catch (IOException closed) {
            // the server closed the connection while the client was still writing
        }
    }

    private static void assertCut(RawHttp2 h2) {
        Await.until(Duration.ofSeconds(5), "GOAWAY and the connection closed", () -> h2.goAway.get() >= 0 && h2.closedByServer,
                h2::toString);
        assertThat(h2.goAway.get()).isEqualTo(0xb); // ENHANCE_YOUR_CALM
    }

    private static Socket alpnH2(SSLContext ssl, InetSocketAddress address) throws IOException {
        SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(address.getHostString(), address.getPort());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
        return socket;
    }

    /** Reads an HTTP/1.1 response head, up to its blank line. */
    private static String responseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static int http11Status(Courier server) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return client.send(HttpRequest.newBuilder(server.uri().resolve("/orders/5")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }
}
