package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code courier call} over REST against servers that answer badly: each ends in a clear message
 * and exit 1 within the timeout, reads a bounded answer, and prints nothing a terminal obeys.
 */
class CallAgainstBrokenServersTest {
    /** How long a run may take at most before the test calls it hung: well past --timeout 1. */
    static final Duration HUNG = Duration.ofSeconds(20);

    /** Runs {@code args} on a thread of its own; fails the test if it does not end within {@link #HUNG}. */
    static Cli runWithin(String... args) throws Exception {
        Cli c = new Cli();
        return Cli.start(c, args).get(HUNG.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aBodyThatNeverEndsStopsAtTheTimeout() throws Exception {
        try (RawServer server = new RawServer(s -> {
            RawServer.head(s);
            RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            while (true) { // a chunk every 50 ms, forever
                RawServer.write(s, "1\r\n \r\n");
                Thread.sleep(50);
            }
        })) {
            long start = System.nanoTime();
            Cli c = runWithin("call", "greeter", "greet", "{}", "--target", server.url(), "--timeout", "1");
            assertThat(c.exit).as("%s", c).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(c.err.toString()).contains("POST " + server.url() + "/greeter/greet: the answer began but did not"
                    + " end within 1 s").doesNotContain("Exception");
        }
    }

    @Test
    void anAnswerOfManyMegabytesIsRefusedPastTheBound() throws Exception {
        long length = 64L << 20;
        try (RawServer server = new RawServer(s -> {
            RawServer.head(s);
            RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n");
            byte[] chunk = new byte[64 << 10];
            java.util.Arrays.fill(chunk, (byte) 'x');
            OutputStream out = s.getOutputStream();
            for (long sent = 0; sent < length; sent += chunk.length) {
                out.write(chunk);
            }
        })) {
            Cli c = runWithin("call", "greeter", "greet", "{}", "--target", server.url(), "--timeout", "10");
            assertThat(c.exit).as("exit").isEqualTo(1);
            assertThat(c.out.toString()).isEmpty();
            assertThat(c.err.toString()).contains("the answer is larger than 16 MiB (expected: at most 16 MiB");
        }
    }

    @Test
    void aServerThatNeverAnswersEndsAtTheTimeout() throws Exception {
        try (RawServer server = new RawServer(s -> {
            RawServer.head(s);
            while (s.getInputStream().read() >= 0) {
                // and no answer: the client's timeout, or the test's close, ends it
            }
        })) {
            long start = System.nanoTime();
            Cli c = runWithin("call", "greeter", "greet", "{}", "--target", server.url(), "--timeout", "1");
            assertThat(c.exit).as("%s", c).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(c.err.toString()).contains("POST " + server.url() + "/greeter/greet: no answer within 1 s");
        }
    }

    @Test
    void aServerThatHangsUpWithoutAnAnswerIsSaidSo() throws Exception {
        try (RawServer server = new RawServer(RawServer::head)) {
            Cli c = runWithin("call", "greeter", "greet", "{}", "--target", server.url(), "--timeout", "1");
            assertThat(c.exit).as("%s", c).isEqualTo(1);
            assertThat(c.err.toString()).contains("POST " + server.url() + "/greeter/greet: the connection was closed"
                    + " without an answer");
        }
    }

    @Test
    void aGatewaysHtmlPageAndBinaryGarbageAreShownAsWhatTheyAre() throws Exception {
        try (RawServer html = new RawServer(RawServer.answering(502, "text/html",
                "<html><body><h1>502 Bad Gateway</h1></body></html>".getBytes(StandardCharsets.UTF_8)))) {
            Cli c = runWithin("call", "greeter", "greet", "{}", "--target", html.url());
            assertThat(c.exit).as("%s", c).isEqualTo(1);
            assertThat(c.err.toString()).contains("HTTP 502 from POST " + html.url() + "/greeter/greet:", "<h1>502 Bad Gateway</h1>");
        }
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3, 0x28, (byte) 0x80};
        try (RawServer binary = new RawServer(RawServer.answering(200, "application/json", garbage))) {
            Cli c = runWithin("call", "greeter", "greet", "{}", "--target", binary.url());
            assertThat(c.exit).as("%s", c).isZero();
            assertThat(c.out.toString()).contains("(7 bytes, not text)");
        }
    }

    @Test
    void controlCharactersInAnAnswerArePrintedEscaped() throws Exception {
        String hostile = "\u001b[2J\u001b]0;owned\u0007cleared\r\u009b31m";
        try (RawServer text = new RawServer(RawServer.answering(200, "text/plain", hostile.getBytes(StandardCharsets.UTF_8)))) {
            Cli c = runWithin("call", "greeter", "greet", "{}", "--target", text.url());
            assertThat(c.exit).as("%s", c).isZero();
            assertThat(c.out.toString()).contains("\\x1b[2J\\x1b]0;owned\\x07cleared\\x0d\\x9b31m");
            assertNoControlCharacters(c);
        }
        String problem = "{\"code\":\"NOT_FOUND\u001b[8m\",\"detail\":\"gone\\u001b[2J\",\"details\":{\"k\\u0007\":\"v\\u009b\"}}";
        try (RawServer json = new RawServer(RawServer.answering(404, "application/problem+json",
                problem.getBytes(StandardCharsets.UTF_8)))) {
            Cli c = runWithin("call", "greeter", "greet", "{}", "--target", json.url());
            assertThat(c.exit).as("%s", c).isEqualTo(1);
            assertNoControlCharacters(c);
        }
        try (RawServer json = new RawServer(RawServer.answering(404, "application/problem+json",
                "{\"code\":\"NOT_FOUND\",\"detail\":\"gone\\u001b[2J\",\"details\":{\"k\\u0007\":\"v\\u009b\"}}"
                        .getBytes(StandardCharsets.UTF_8)))) {
            Cli c = runWithin("call", "greeter", "greet", "{}", "--target", json.url());
            assertThat(c.exit).as("%s", c).isEqualTo(1);
            assertThat(c.err.toString()).contains("NOT_FOUND (HTTP 404)", "  gone\\x1b[2J", "  k\\x07: v\\x9b");
            assertNoControlCharacters(c);
        }
    }

    @Test
    void aProblemThatIsNotJsonIsTheServersFaultNotTheCommandLines() throws Exception {
        try (RawServer server = new RawServer(RawServer.answering(500, "application/problem+json",
                "<html>oops</html>".getBytes(StandardCharsets.UTF_8)))) {
            Cli c = runWithin("call", "greeter", "greet", "{}", "--target", server.url());
            assertThat(c.exit).as("%s", c).isEqualTo(1);
            assertThat(c.err.toString()).contains("HTTP 500 from POST " + server.url()
                    + "/greeter/greet (its problem+json is not JSON):", "<html>oops</html>");
        }
    }

    /** Nothing below a space but line breaks and tabs, no DEL, no C1 control, in what the command printed. */
    static void assertNoControlCharacters(Cli c) {
        String printed = c.out.toString() + c.err.toString();
        assertThat(printed.chars().filter(ch -> (ch < 0x20 && ch != '\n' && ch != '\t') || (ch >= 0x7f && ch <= 0x9f)))
                .as("control characters printed raw in %s", c).isEmpty();
    }
}
