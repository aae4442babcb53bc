package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.courier.Courier;
import io.courier.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Raw bytes written over one connection to a live REST server on loopback, followed by a good
 * request that asks to close (so that the server answers what it parsed and hangs up): every
 * response is HTTP/1.x with a well-formed status line, never a 500 and never a stack trace, and
 * the server still answers a good request on a new connection afterwards. Without
 * {@code JAZZER_FUZZ} it replays the inputs under {@code HttpServerFuzzTestInputs}.
 */
class HttpServerFuzzTest {
    private static final int MAX_RESPONSE = 1 << 20;
    // A request the input leaves unfinished (a body still owed) holds its connection until the
    // client gives up: one second, then the next input.
    private static final int READ_TIMEOUT_MILLIS = 1_000;
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] [1-5][0-9][0-9] [^\\r\\n]*\\r\\n");
    // Vert.x refuses a request line whose version is not HTTP/1.x (GET / XHTTP/1.1, HTTP/0.0) before Courier
    // sees it, echoing the client's protocol name (control bytes included) in its status line:
    // the one exception, Vert.x's and not Courier's to change. (A version number too long for
    // an int comes back wrapped around: HTTP/199999999999900000000000000.1 as HTTP/-1215971328.1.)
    private static final Pattern UNKNOWN_PROTOCOL = Pattern.compile("[^\\s/]+/-?[0-9]+\\.-?[0-9]+ 501 Not Implemented\\r\\n"
            + "(content-length: 0\\r\\n)?\\r\\n");
    // The good request after each input: generous, since the first inputs load and instrument code.
    private static final int GOOD_TIMEOUT_MILLIS = 10_000;
    private static final byte[] GOOD = "GET /orders/5 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static Courier server;
    private static InetSocketAddress address;

    @BeforeAll
    static void start() {
        server = Courier.builder().name("fuzzed-server")
                .limits(Limits.builder().maxBodyBytes(4096).maxHeaderBytes(4096).build())
                .build().serve(Shop.class, new ShopImpl());
        URI uri = server.uri();
        address = new InetSocketAddress(uri.getHost(), uri.getPort());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @FuzzTest(maxDuration = "10m")
    void everyAnswerIsWellFormedAndTheServerLivesOn(byte[] input) throws IOException {
        // This target talks to its own server on loopback: not a request forgery. (Set here: the
        // detectors exist once Jazzer's agent runs the first input.)
        BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
        byte[] request = java.util.Arrays.copyOf(input, input.length + 4 + GOOD.length);
        System.arraycopy("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, request, input.length, 4);
        System.arraycopy(GOOD, 0, request, input.length + 4, GOOD.length);
        String response = exchange(request, READ_TIMEOUT_MILLIS);
        // HTTP/2 with prior knowledge answers in frames; everything else in HTTP/1.x or not at all.
        if (!response.isEmpty() && !startsWith(input, "PRI ")) {
            assertThat(response).as("response to %s", printable(input)).matches(s -> STATUS_LINE.matcher(s).lookingAt()
                    || UNKNOWN_PROTOCOL.matcher(s).matches(), "starts with an HTTP/1.x status line");
            assertThat(response).doesNotContain("HTTP/1.1 500", "HTTP/1.0 500", "\tat ", "Exception:");
        }
        String good = exchange(GOOD, GOOD_TIMEOUT_MILLIS);
        assertThat(good).as("a good request after %s", printable(input)).startsWith("HTTP/1.1 200 OK\r\n");
    }

    private static String exchange(byte[] request, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
            } catch (SocketException e) {
                // The server may close first (a request it refused before reading all of it).
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0 && received.size() < MAX_RESPONSE; ) {
                    received.write(buffer, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                // The server waits for the rest of a request: allowed, it is held one second.
            } catch (SocketException e) {
                // A reset after the answer: what was read is the answer.
            }
            assertThat(received.size()).as("response size").isLessThan(MAX_RESPONSE);
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean startsWith(byte[] input, String prefix) {
        return new String(input, StandardCharsets.ISO_8859_1).startsWith(prefix);
    }

    private static String printable(byte[] input) {
        String s = new String(input, StandardCharsets.ISO_8859_1);
        return (s.length() > 300 ? s.substring(0, 300) + "..." : s).replace("\r", "\\r").replace("\n", "\\n");
    }
}
