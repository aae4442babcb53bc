package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.annotation.Get;
import io.courier.annotation.NonBlocking;
import io.courier.annotation.Path;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import io.courier.test.Await;
import io.courier.http.internal.vertx.WriteProgress;
import io.courier.http.testing.RawHttp2;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Clients that stop reading their answers while they keep their connections busy, against a
 * live server on loopback with a 500 ms {@link ServerLimits#writeTimeout}: each answer is
 * abandoned about one write timeout after its bytes stop leaving, what it held is dropped, and a
 * stream's producer stopped; a reader that takes its answer slowly but steadily is served.
 */
class WriteTimeoutTest {
    /** One event; public, as the dispatcher invokes the contract by reflection. */
    public record Tick(long n, String pad) {
    }

    /** Large answers and an endless stream. */
    @Service("bulk")
    public interface Bulk {
        @Get("/bulk/{kb}")
        String bulk(@Path("kb") int kb);

        @Get("/ticks")
        Stream<Tick> ticks(@Query("pad") int pad);

        /**
         * Holds the connection's event loop for {@code ms}: a pause of the server, as a long
         * collection is (the implementation is {@code @NonBlocking}, so it runs on the loop).
         */
        @Get("/pause/{ms}")
        String pause(@Path("ms") int ms);
    }

    private static final Duration WRITE_TIMEOUT = Duration.ofMillis(500);

    private final AtomicLong produced = new AtomicLong();
    private volatile CountDownLatch ticksClosed = new CountDownLatch(1);

    private Courier serve() {
        ServerLimits limits = ServerLimits.builder().writeTimeout(WRITE_TIMEOUT).build();
        return Courier.builder().name("write-timeout").transport(HttpTransportFactory.builder().limits(limits).build())
                .build().serve(Bulk.class, new Bulk() {
                    @Override
                    public String bulk(int kb) {
                        return "x".repeat(kb * 1024);
                    }

                    @Override
                    @NonBlocking // on the event loop: a contract's own annotation would not count
                    public String pause(int ms) {
                        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
                        while (System.nanoTime() < end) {
                            Thread.onSpinWait(); // the event loop held, as in a pause of the process
                        }
                        return "paused";
                    }

                    @Override
                    public Stream<Tick> ticks(int pad) {
                        String padding = "x".repeat(pad);
                        CountDownLatch closed = ticksClosed;
                        return Stream.generate(() -> new Tick(produced.incrementAndGet(), padding)).onClose(closed::countDown);
                    }
                });
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * The probe's attack: a window of 0, 100 streams asking for 159 KB each, PINGs to keep the
     * connection busy. The answers (16 MB) are held until each stream is reset with CANCEL about
     * one write timeout later, and the heap comes back; a stream on the same connection whose
     * reader grants 16 KB every 100 ms (a 32 KB part leaves every 200 ms) gets its whole answer.
     */
    @Test
    void answersAClientDoesNotTakeAreResetWhileASlowReaderIsServed() throws Exception {
        try (Courier server = serve();
             RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true, RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
            long before = RawHttp2.heapInUse();
            int stalled = 100;
            int slow = 1 + 2 * stalled;
            long start = System.nanoTime();
            for (int i = 0; i < stalled; i++) {
                h2.headers(1 + 2 * i, RawHttp2.get("/bulk/159"), true);
            }
            h2.headers(slow, RawHttp2.get("/bulk/159"), true);
            h2.flush();
            long held = -1;
            Duration allReset = null;
            for (int tick = 0; !h2.endedStreams.contains(slow) || allReset == null; tick++) {
                assertThat(since(start)).as("answers reset and the slow one read within 10 s: %s", h2).isLessThan(Duration.ofSeconds(10));
                if (tick == 2) {
                    held = RawHttp2.heapInUse() - before; // 200 ms in: the answers are written and waiting
                }
                if (allReset == null && h2.resetCodes.size() >= stalled) {
                    allReset = since(start);
                }
                h2.windowUpdate(0, 16_384);
                h2.windowUpdate(slow, 16_384);
                h2.ping(tick);
                h2.flush();
                Thread.sleep(100); // the slow reader's pace, not a wait for a condition
            }
            assertThat(held).as("heap held by 100 answers of 159 KB not taken").isGreaterThan(8L << 20);
            assertThat(allReset).isBetween(WRITE_TIMEOUT.multipliedBy(9).dividedBy(10), Duration.ofSeconds(3));
            for (int i = 0; i < stalled; i++) {
                assertThat(h2.resetCodes.get(1 + 2 * i)).as("stream %d", 1 + 2 * i).isEqualTo(8L); // CANCEL
            }
            assertThat(h2.statuses.get(slow)).isEqualTo(200);
            assertThat(h2.resetCodes).doesNotContainKey(slow);
            assertThat(h2.ended()).isFalse();
            // Less than half of what the answers held: the rest of the JVM (other tests' servers, pools)
            // moves the heap by a few megabytes either way.
            long heldAtStall = held;
            Await.until(Duration.ofSeconds(10), () -> "the held answers dropped: " + (RawHttp2.heapInUse() - before) + " of "
                    + heldAtStall + " bytes still in use", () -> RawHttp2.heapInUse() - before < heldAtStall / 2);
        }
    }

    /**
     * A reader taking its answer steadily, 16 KB every 100 ms, while the server's event loop is
     * held for three write timeouts (a method run on the loop that does not return, as a long
     * collection would hold it): the reader is not taken for one that stopped (the checks run
     * late count no more quiet periods than the loop saw) and gets its whole answer.
     */
    @Test
    void aPauseOfTheServerIsNotTakenForAReaderThatStopped() throws Exception {
        try (Courier server = serve();
             RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true, RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
            int slow = 1;
            h2.headers(slow, RawHttp2.get("/bulk/159"), true);
            h2.flush();
            long start = System.nanoTime();
            for (int tick = 0; !h2.endedStreams.contains(slow); tick++) {
                assertThat(since(start)).as("the slow answer read within 10 s: %s", h2).isLessThan(Duration.ofSeconds(10));
                assertThat(h2.resetCodes).as("the slow reader not reset").doesNotContainKey(slow);
                if (tick == 3) {
                    h2.headers(3, RawHttp2.get("/pause/" + WRITE_TIMEOUT.multipliedBy(3).toMillis()), true);
                    h2.windowUpdate(3, 1 << 20);
                }
                h2.windowUpdate(0, 16_384);
                h2.windowUpdate(slow, 16_384);
                h2.flush();
                Thread.sleep(100); // the slow reader's pace, not a wait for a condition
            }
            assertThat(h2.statuses.get(slow)).isEqualTo(200);
            assertThat(h2.resetCodes).doesNotContainKey(slow);
            Await.until(Duration.ofSeconds(5), () -> "the pausing call answered: " + h2, () -> h2.endedStreams.contains(3));
            assertThat(h2.statuses.get(3)).as("the pausing call answered").isEqualTo(200);
            assertThat(since(start)).as("the slow reader went on through the pause")
                    .isGreaterThan(WRITE_TIMEOUT.multipliedBy(3));
        }
    }

    /**
     * A reader that grants 32 KB each time it has read what it granted (a reader paced by what
     * it reads, as a client's flow control is), whose next grant waits behind a method holding
     * the server's event loop for three write timeouts: no byte can leave during the pause, and
     * no grant comes, as none arrives to be read. The checks the held loop missed must not then
     * run one after another and each count a quiet period (a timer at a fixed rate catches up
     * so), which cut the reader within a millisecond of its answer's last progress; the reader
     * gets its whole answer.
     */
    @Test
    void checksMissedDuringAPauseOfTheServerDoNotCutAReaderPacedByWhatItReads() throws Exception {
        try (Courier server = serve();
             RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true, RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
            int slow = 1;
            int pausing = 3;
            h2.headers(slow, RawHttp2.get("/bulk/159"), true);
            h2.flush();
            long start = System.nanoTime();
            long granted = 0;
            boolean paused = false;
            for (int tick = 0; !h2.endedStreams.contains(slow); tick++) {
                assertThat(since(start)).as("the slow answer read within 15 s: %s", h2).isLessThan(Duration.ofSeconds(15));
                assertThat(h2.resetCodes).as("the slow reader not reset: %s", h2).doesNotContainKey(slow);
                if (h2.dataBytes(slow) >= granted) {
                    if (granted > 0 && !paused) {
                        // The next part's grant goes with the pause: the loop reads it behind the pause, or
                        // sends the part before it, and holds the rest of the answer for three timeouts.
                        h2.headers(pausing, RawHttp2.get("/pause/" + WRITE_TIMEOUT.multipliedBy(3).toMillis()), true);
                        h2.windowUpdate(pausing, 1 << 20);
                        paused = true;
                    }
                    h2.windowUpdate(0, WriteProgress.PART);
                    h2.windowUpdate(slow, WriteProgress.PART);
                    granted += WriteProgress.PART;
                    h2.flush();
                }
                Thread.sleep(100); // the reader's pace, not a wait for a condition
            }
            assertThat(h2.statuses.get(slow)).isEqualTo(200);
            assertThat(h2.resetCodes).doesNotContainKey(slow);
            assertThat(h2.dataBytes(slow)).as("the whole answer").isGreaterThan(159 * 1024);
            Await.until(Duration.ofSeconds(5), () -> "the pausing call answered: " + h2, () -> h2.endedStreams.contains(pausing));
            assertThat(since(start)).as("the reader went on through the pause").isGreaterThan(WRITE_TIMEOUT.multipliedBy(3));
        }
    }

    /**
     * An event stream whose client stops reading, over HTTP/2 (a window of 0, PINGs) and over
     * HTTP/1.1 (a socket never read): the stream is reset or its connection closed, and the
     * implementation's stream closed, its producer no longer called.
     */
    @Test
    void anEventStreamWhoseClientStopsReadingIsEndedAndItsProducerStopped() throws Exception {
        try (Courier server = serve()) {
            try (RawHttp2 h2 = RawHttp2.connect(RawHttp2.address(server), true, RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
                ticksClosed = new CountDownLatch(1);
                long start = System.nanoTime();
                h2.headers(1, RawHttp2.get("/ticks?pad=1000").add("accept", "text/event-stream"), true);
                h2.flush();
                for (int tick = 0; !h2.resetCodes.containsKey(1); tick++) {
                    assertThat(since(start)).as("the event stream reset within 3 s: %s", h2).isLessThan(Duration.ofSeconds(3));
                    h2.ping(tick);
                    h2.flush();
                    Thread.sleep(100); // the client's pace: a PING now and then
                }
                assertThat(since(start)).isGreaterThanOrEqualTo(WRITE_TIMEOUT.multipliedBy(9).dividedBy(10));
                assertThat(h2.resetCodes.get(1)).isEqualTo(8L);
                assertThat(ticksClosed.await(5, TimeUnit.SECONDS)).as("the producer's stream closed").isTrue();
                assertThat(h2.ended()).isFalse();
            }
            try (Socket socket = unreadSocket(server)) {
                ticksClosed = new CountDownLatch(1);
                socket.getOutputStream().write(("GET /ticks?pad=1000 HTTP/1.1\r\nhost: localhost\r\naccept: text/event-stream"
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(ticksClosed.await(5, TimeUnit.SECONDS)).as("the producer's stream closed").isTrue();
            }
            long stopped = produced.get();
            Await.until(Duration.ofSeconds(2), "production stopped", () -> produced.get() == stopped);
        }
    }

    /**
     * An HTTP/1.1 client that asks for an answer larger than the sockets' buffers and never reads
     * it: the server closes the connection about one write timeout later. Seen from outside in
     * the kernel's table of TCP sockets (Linux): the server's end of the connection leaves
     * ESTABLISHED, which the client cannot see without reading.
     */
    @Test
    void anHttp11ClientThatNeverReadsALargeAnswerHasItsConnectionClosed() throws Exception {
        java.nio.file.Path table = java.nio.file.Path.of("/proc/net/tcp");
        Assumptions.assumeTrue(Files.isReadable(table), "needs Linux's /proc/net/tcp");
        try (Courier server = serve(); Socket socket = unreadSocket(server)) {
            long start = System.nanoTime();
            socket.getOutputStream().write("GET /bulk/32768 HTTP/1.1\r\nhost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            int serverPort = RawHttp2.address(server).getPort();
            int clientPort = socket.getLocalPort();
            Await.until(Duration.ofSeconds(2), "the server's end of the connection established",
                    () -> serverEndEstablished(table, serverPort, clientPort));
            Await.until(Duration.ofSeconds(5), "the server's end of the connection closed",
                    () -> !serverEndEstablished(table, serverPort, clientPort));
            assertThat(since(start)).as("not before the write timeout")
                    .isGreaterThanOrEqualTo(WRITE_TIMEOUT.multipliedBy(9).dividedBy(10));
        }
    }

    /** Whether the kernel lists the server's end of the connection to {@code clientPort} as ESTABLISHED. */
    private static boolean serverEndEstablished(java.nio.file.Path table, int serverPort, int clientPort) {
        String local = String.format(":%04X", serverPort);
        String remote = String.format(":%04X", clientPort);
        java.util.List<String> lines = new java.util.ArrayList<>();
        try {
            lines.addAll(Files.readAllLines(table));
            java.nio.file.Path v6 = table.resolveSibling("tcp6");
            if (Files.isReadable(v6)) {
                lines.addAll(Files.readAllLines(v6));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st ...: 01 is ESTABLISHED
            if (f.length > 3 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                return f[3].equals("01");
            }
        }
        return false;
    }

    /** A socket with a small receive buffer that the test does not read. */
    private static Socket unreadSocket(Courier server) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(RawHttp2.address(server), 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }
}
