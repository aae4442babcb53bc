package io.courier.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.test.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The console's event streams on a real server, read by raw sockets: a viewer that stops
 * reading is passed over once its write queue is full, so what the server holds for it stays
 * bounded, while a viewer that reads gets every state.
 */
class StateStreamsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String EVENT = "event: state\n";
    /** The end of a chunk, then the last chunk of a response. */
    private static final String LAST_CHUNK = "\r\n0\r\n\r\n";
    private static final int STATES = 300;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void aViewerThatDoesNotReadMissesStatesInsteadOfHavingThemQueued() throws Exception {
        StateStreams streams = new StateStreams();
        HttpServer server = vertx.createHttpServer()
                .requestHandler(r -> streams.open(r.response(), EVENT + "data: first\n\n"))
                .listen(0, "127.0.0.1").await();
        String big = EVENT + "data: " + "x".repeat(64 * 1024) + "\n\n"; // one state, 64 KiB

        try (Socket reading = open(server.actualPort(), 64 * 1024);
             Socket stalled = open(server.actualPort(), 4 * 1024)) {
            AtomicInteger readingGot = new AtomicInteger();
            Thread reader = Thread.ofVirtual().start(() -> readAll(reading, readingGot));
            Await.until(PATIENCE, "both streams open", () -> streams.size() == 2 && readingGot.get() == 1);

            int skipped = 0;
            for (int i = 1; i <= STATES; i++) {
                skipped += streams.send(big);
                int sent = i + 1;
                Await.until(PATIENCE, () -> "the reading viewer's state " + sent + ", got " + readingGot,
                        () -> readingGot.get() == sent);
            }
            streams.close();
            AtomicInteger stalledStates = new AtomicInteger();
            readAll(stalled, stalledStates);
            reader.join(PATIENCE);

            assertThat(readingGot).as("states the reading viewer got").hasValue(STATES + 1);
            assertThat(stalledStates.get()).as("states held for the stalled viewer: what the socket buffers took")
                    .isBetween(1, STATES / 2);
            assertThat(skipped).as("states passed over for the stalled viewer").isPositive();
        }
    }

    private static Socket open(int port, int receiveBuffer) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer); // before connecting: the window it offers
        s.connect(new InetSocketAddress("127.0.0.1", port));
        s.getOutputStream().write("GET /console/api/events HTTP/1.1\r\nhost: console\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    /**
     * Reads until the stream's last chunk, counting the states read whole so far in {@code states}:
     * each ends with a blank line, which nothing else of the stream has.
     */
    private static void readAll(Socket socket, AtomicInteger states) {
        byte[] buf = new byte[16 * 1024];
        byte[] last = LAST_CHUNK.getBytes(StandardCharsets.US_ASCII);
        byte[] recent = new byte[last.length]; // the stream's last bytes, oldest first
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n' && recent[recent.length - 1] == '\n') {
                        states.incrementAndGet();
                    }
                    System.arraycopy(recent, 1, recent, 0, recent.length - 1);
                    recent[recent.length - 1] = buf[i];
                }
                if (java.util.Arrays.equals(recent, last)) {
                    return;
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }}
