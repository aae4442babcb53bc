package io.courier.http;

import static io.courier.http.testing.RawHttp2.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import io.courier.http.testing.RawHttp2;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Abusive HTTP/2 clients against a live server on loopback, written frame by frame with
 * {@link RawHttp2}: what each one can make the server hold, and for how long.
 */
class Http2ProtectionTest {
    private static Courier serve(ServerLimits limits) {
        return Courier.builder().name("h2-protected").transport(HttpTransportFactory.builder().limits(limits).build())
                .build().serve(Shop.class, new ShopImpl());
    }

    /** An order of {@code items} items, as JSON: about 32 bytes an item. */
    private static byte[] order(int items) {
        StringBuilder json = new StringBuilder("{\"id\":1,\"placedAt\":\"2024-05-01T10:15:30Z\",\"items\":[");
        for (int i = 0; i < items; i++) {
            json.append(i == 0 ? "" : ",").append("{\"sku\":\"sku-").append(i).append("\",\"quantity\":1}");
        }
        return json.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Waits for the server to have handled every frame sent before: it answers a PING in order. */
    private static void roundTrip(RawHttp2 h2) throws Exception {
        int before = h2.pingAcks.get();
        h2.ping(42);
        h2.flush();
        Await.until(Duration.ofSeconds(10), "the server's PING acknowledgement", () -> h2.pingAcks.get() > before);
    }

    private static void answered(Courier server) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            long asked = System.nanoTime();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri().resolve("/orders/5"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(2));
        }
    }

    /**
     * A request head declaring a 16 MB body costs a few bytes on the wire: 40 of them on one
     * connection, with no body byte sent, made the server allocate 640 MB before sizing the body
     * from its bytes. Now what each holds is bounded by what arrived, and a body larger than the
     * first buffer still arrives whole.
     */
    @Test
    void aDeclaredBodyLengthHoldsNoMemoryBeforeItsBytesArrive() throws Exception {
        try (Courier server = serve(ServerLimits.defaults());
             RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true)) {
            long before = RawHttp2.heapInUse();
            for (int i = 0; i < 40; i++) {
                h2.headers(1 + 2 * i, post("/slow").add("content-length", "16000000"), false);
            }
            roundTrip(h2);
            long held = RawHttp2.heapInUse() - before;
            assertThat(held).as("heap held by 40 heads declaring 16 MB each").isLessThan(64L << 20);
            answered(server);

            byte[] order = order(5_000); // 159 KB: the buffer grows past its first size
            int stream = 101;
            h2.headers(stream, post("/orders").add("content-length", Integer.toString(order.length)), false);
            for (int at = 0; at < order.length; at += 16_384) {
                h2.data(stream, Arrays.copyOfRange(order, at, Math.min(order.length, at + 16_384)), at + 16_384 >= order.length);
            }
            h2.windowUpdate(0, 1 << 24); // room for the echoed order
            h2.windowUpdate(stream, 1 << 24);
            h2.flush();
            Await.until(Duration.ofSeconds(10), "the order's answer", () -> h2.statuses.containsKey(stream), h2::toString);
            assertThat(h2.statuses.get(stream)).isEqualTo(200);
            assertThat(h2.ended()).isFalse();
        }
    }

    /**
     * A stream that dribbles its body keeps its connection busy, so neither the idle timeout nor
     * the HTTP/1.x read watch sees it: each such stream is answered 408 and reset (NO_ERROR) one
     * request read timeout after its head, while the connection, its other streams and other
     * clients are served, and nothing is logged.
     */
    @Test
    void aStreamDribblingItsBodyIsAnswered408AtTheReadTimeout() throws Exception {
        try (LogCapture log = LogCapture.start();
             Courier server = serve(ServerLimits.builder().requestReadTimeout(Duration.ofMillis(500)).build());
             RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true)) {
            int slow = 20;
            long start = System.nanoTime();
            for (int i = 0; i < slow; i++) {
                h2.headers(1 + 2 * i, post("/orders"), false);
            }
            byte[] order = order(1);
            // A byte per stream every 50 ms: the order's 80 bytes would take 4 s.
            for (int tick = 0; tick < order.length && !allAnswered(h2, slow); tick++) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("dribbling streams answered within 2 s")
                        .isLessThan(Duration.ofSeconds(2));
                for (int i = 0; i < slow; i++) {
                    if (!h2.statuses.containsKey(1 + 2 * i)) {
                        h2.data(1 + 2 * i, new byte[] {order[tick]}, false);
                    }
                }
                h2.flush();
                Thread.sleep(50); // the slow client's pace, not a wait for a condition
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(allAnswered(h2, slow)).as("every dribbling stream answered").isTrue();
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(450));
            for (int i = 0; i < slow; i++) {
                assertThat(h2.statuses.get(1 + 2 * i)).isEqualTo(408);
            }
            Await.until(Duration.ofSeconds(5), "every dribbling stream reset", () -> h2.resetCodes.size() >= slow);
            // NO_ERROR; STREAM_CLOSED when a byte the client sent crossed the reset, and was answered after it.
            assertThat(h2.resetCodes.values()).isSubsetOf(0L, 5L).contains(0L);

            // The connection itself is still served, as is another client.
            h2.headers(101, RawHttp2.get("/orders/5"), true);
            h2.flush();
            Await.until(Duration.ofSeconds(5), "an answer on the same connection", () -> h2.statuses.containsKey(101));
            assertThat(h2.statuses.get(101)).isEqualTo(200);
            assertThat(h2.ended()).isFalse();
            answered(server);
            assertThat(log.lines()).isEmpty();
        }
    }

    /**
     * Rapid reset (CVE-2023-44487): a request and its RST_STREAM, over and over. The server
     * closes the connection with GOAWAY ENHANCE_YOUR_CALM once the client has reset 200 streams
     * within 30 s (Vert.x's default, which Courier keeps), logs nothing, and serves others.
     */
    @Test
    void rapidResetsCloseTheConnection() throws Exception {
        try (LogCapture log = LogCapture.start();
             Courier server = serve(ServerLimits.defaults());
             RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true)) {
            try {
                for (int i = 0; i < 5_000 && !h2.ended(); i++) {
                    h2.headers(1 + 2 * i, RawHttp2.get("/orders/5"), true);
                    h2.rst(1 + 2 * i, 8);
                    if (i % 50 == 0) {
                        h2.flush();
                    }
                }
                h2.flush();
            } catch (java.io.IOException closed) {
                // the server closed the connection while the client was still writing
            }
            Await.until(Duration.ofSeconds(5), "GOAWAY", () -> h2.goAway.get() >= 0, h2::toString);
            assertThat(h2.goAway.get()).isEqualTo(0xb); // ENHANCE_YOUR_CALM
            answered(server);
            assertThat(log.lines()).isEmpty();
        }
    }

    /**
     * A client that sends PINGs and never reads the acknowledgements: once the socket's buffers
     * are full the server queues at most 10,000 control frames (Netty's default), then closes
     * the connection, instead of holding an acknowledgement for each PING.
     */
    @Test
    void aPingFloodThatIsNotReadIsCut() throws Exception {
        try (LogCapture log = LogCapture.start();
             Courier server = serve(ServerLimits.defaults());
             RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), false)) {
            byte[] pings = new byte[17 * 1_000];
            for (int i = 0; i < 1_000; i++) {
                System.arraycopy(RawHttp2.frameBytes(RawHttp2.PING, 0, 0, new byte[8]), 0, pings, 17 * i, 17);
            }
            int sent = 0;
            try {
                // 17 MB: past what the kernel's socket buffers can take (4 MB for the server's sends here).
                for (; sent < 1_000_000; sent += 1_000) {
                    h2.raw(pings);
                }
            } catch (java.io.IOException closed) {
                // the server closed the connection while the client was still writing
            }
            h2.startReading();
            Await.until(Duration.ofSeconds(10), "the connection closed", () -> h2.closedByServer, h2::toString);
            assertThat(h2.pingAcks.get()).as("acknowledgements the server wrote for a client not reading them")
                    .isLessThan(400_000);
            answered(server);
            assertThat(log.lines()).isEmpty();
        }
    }

    /**
     * Header blocks: one continued past the header limit (CONTINUATION frames of 1,000 bytes
     * without END_HEADERS) ends the connection with GOAWAY once it passes a quarter over the limit
     * or 32 frames, before it is decoded; one that decodes to far more than it weighs (a 4,000-byte header put in
     * the HPACK table, then named 12,000 times in 12 KB) is answered 431 without its headers
     * being kept, and the connection serves on.
     */
    @Test
    void headerBlocksAreBoundedBeforeAndWhileDecoded() throws Exception {
        try (LogCapture log = LogCapture.start(); Courier server = serve(ServerLimits.defaults())) {
            try (RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true)) {
                h2.frame(RawHttp2.HEADERS, 0, 1, h2.block(RawHttp2.get("/orders/5")));
                try {
                    for (int i = 0; i < 1_000 && !h2.ended(); i++) {
                        h2.frame(RawHttp2.CONTINUATION, 0, 1, new byte[1_000]);
                    }
                    h2.flush();
                } catch (java.io.IOException closed) {
                    // the server closed the connection while the client was still writing
                }
                Await.until(Duration.ofSeconds(5), "GOAWAY", () -> h2.goAway.get() >= 0, h2::toString);
                // PROTOCOL_ERROR, Netty's answer to an oversized block, once it has read about 20 of
                // the frames; or ENHANCE_YOUR_CALM from Courier's bound of 32 CONTINUATION frames, which
                // follows the frames before Netty decodes them and trips first when a read holds 33.
                assertThat(h2.goAway.get()).isIn(0x1L, 0xbL);
            }
            try (RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true)) {
                java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
                bomb.write(h2.block(RawHttp2.get("/orders/5")));
                bomb.write(new byte[] {0x40, 6}); // a literal header, added to the table: name of 6 bytes
                bomb.write("x-bomb".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                bomb.write(new byte[] {0x7f, (byte) 0xa1, 0x1e}); // value of 4,000 bytes (127 + 3,873)
                bomb.write(new byte[4_000]);
                for (int i = 0; i < 12_000; i++) {
                    bomb.write(0x80 | 62); // the table's newest entry
                }
                h2.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS | RawHttp2.END_STREAM, 1, bomb.toByteArray());
                h2.headers(3, RawHttp2.get("/orders/5"), true);
                h2.flush();
                Await.until(Duration.ofSeconds(5), "both answers", () -> h2.statuses.size() == 2, h2::toString);
                assertThat(h2.statuses).containsEntry(1, 431).containsEntry(3, 200);
                assertThat(h2.ended()).isFalse();
            }
            answered(server);
            assertThat(log.lines()).isEmpty();
        }
    }

    /**
     * Frames that carry nothing or break the protocol end the connection with GOAWAY and the
     * code that names why, and nothing is logged: empty DATA frames in a row
     * (ENHANCE_YOUR_CALM), a frame over the 16 KB frame size (FRAME_SIZE_ERROR), padding longer
     * than its frame, a stream id the client may not use (PROTOCOL_ERROR).
     */
    @Test
    void emptyAndBrokenFramesEndTheConnection() throws Exception {
        try (LogCapture log = LogCapture.start(); Courier server = serve(ServerLimits.defaults())) {
            java.util.Map<String, Long> expected = new java.util.LinkedHashMap<>();
            expected.put("empty DATA", 0xbL);
            expected.put("oversized frame", 0x6L);
            expected.put("padding past the frame", 0x1L);
            expected.put("even stream id", 0x1L);
            for (var e : expected.entrySet()) {
                try (RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true)) {
                    try {
                        switch (e.getKey()) {
                            case "empty DATA" -> {
                                h2.headers(1, post("/orders"), false);
                                for (int i = 0; i < 100; i++) {
                                    h2.data(1, new byte[0], false);
                                }
                            }
                            case "oversized frame" -> h2.frame(RawHttp2.DATA, 0, 1, new byte[20_000]);
                            case "padding past the frame" -> {
                                h2.headers(1, post("/orders"), false);
                                h2.frame(RawHttp2.DATA, RawHttp2.PADDED, 1, new byte[] {(byte) 200, 1, 2});
                            }
                            default -> h2.headers(2, RawHttp2.get("/orders/5"), true);
                        }
                        h2.flush();
                    } catch (java.io.IOException closed) {
                        // the server closed the connection while the client was still writing
                    }
                    Await.until(Duration.ofSeconds(5), e.getKey() + ": GOAWAY", () -> h2.goAway.get() >= 0, h2::toString);
                    assertThat(h2.goAway.get()).as(e.getKey()).isEqualTo(e.getValue());
                }
            }
            answered(server);
            assertThat(log.lines()).isEmpty();
        }
    }

    private static boolean allAnswered(RawHttp2 h2, int streams) {
        for (int i = 0; i < streams; i++) {
            if (!h2.statuses.containsKey(1 + 2 * i)) {
                return false;
            }
        }
        return true;
    }
}
