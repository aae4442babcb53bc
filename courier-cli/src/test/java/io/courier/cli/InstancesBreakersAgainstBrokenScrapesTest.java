package io.courier.cli;

import static io.courier.cli.CallAgainstBrokenServersTest.assertNoControlCharacters;
import static io.courier.cli.CallAgainstBrokenServersTest.runWithin;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.backend.LocalDiscovery;
import io.courier.http.internal.prometheus.Samples;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier instances --breakers} against scrapes that are endless, huge, malformed or never
 * come: the instances are still listed, the breakers' failure is said, within the timeout and a
 * bounded read; what a registry or a scrape holds is printed without control characters.
 */
class InstancesBreakersAgainstBrokenScrapesTest {
    @TempDir
    Path dir;
    private LocalDiscovery registry;

    @BeforeEach
    void register() {
        registry = LocalDiscovery.builder().directory(dir).build();
        registry.register(new ServiceInstance("consumer", "consumer-1", List.of(URI.create("http://127.0.0.1:4001")),
                Map.of(ServiceInstance.VERSION, "1.0\u001b[2J\u001b]0;owned\u0007"), ServiceInstance.Health.UP));
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private Cli breakers(RawServer scrape, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("instances", "consumer", "--dir", dir.toString(),
                "--breakers", scrape.url()));
        args.addAll(List.of(more));
        return runWithin(args.toArray(String[]::new));
    }

    private static void assertInstancesListed(Cli c) {
        assertThat(c.out.toString()).contains("consumer-1", "http://127.0.0.1:4001", "1.0\\x1b[2J\\x1b]0;owned\\x07");
        assertNoControlCharacters(c);
    }

    @Test
    void aScrapeThatNeverEndsStopsAtTheTimeout() throws Exception {
        try (RawServer scrape = new RawServer(s -> {
            RawServer.head(s);
            RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
            while (true) {
                RawServer.write(s, "2\r\n#\n\r\n");
                Thread.sleep(50);
            }
        })) {
            long start = System.nanoTime();
            Cli c = breakers(scrape, "--timeout", "1");
            assertThat(c.exit).as("%s", c).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertInstancesListed(c);
            assertThat(c.err.toString()).contains("Reading the breakers at " + scrape.url() + "/metrics failed: the answer"
                    + " began but did not end within 1 s");
        }
    }

    @Test
    void aScrapeOfOneHundredMegabyteLineIsRefusedAtTheBound() throws Exception {
        long length = 100L << 20;
        try (RawServer scrape = new RawServer(s -> {
            RawServer.head(s);
            RawServer.write(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + length + "\r\n\r\n");
            byte[] chunk = new byte[64 << 10];
            java.util.Arrays.fill(chunk, (byte) 'x');
            OutputStream out = s.getOutputStream();
            for (long sent = 0; sent < length; sent += chunk.length) {
                out.write(chunk);
            }
        })) {
            Cli c = breakers(scrape);
            assertThat(c.exit).as("exit").isEqualTo(1);
            assertInstancesListed(c);
            assertThat(c.err.toString()).contains("failed: the answer is larger than 16 MiB");
        }
    }

    @Test
    void aScrapeThatNeverComesEndsAtTheTimeout() throws Exception {
        try (RawServer scrape = new RawServer(s -> {
            while (s.getInputStream().read() >= 0) {
                // no answer
            }
        })) {
            Cli c = breakers(scrape, "--timeout", "1");
            assertThat(c.exit).as("%s", c).isEqualTo(1);
            assertInstancesListed(c);
            assertThat(c.err.toString()).contains("failed: no answer within 1 s");
        }
    }

    @Test
    void malformedSamplesAreSkippedAndEscapedLabelsPrintedEscaped() throws Exception {
        String scrapeText = "courier_breaker_state{courier_client=\"a\u001b[31m\",server_address=\"http://x:1\",state=\"open\"} 1\n"
                + "courier_breaker_state{courier_client=\"b\" 1\n"
                + "courier_breaker_state{=} x\n"
                + "courier_breaker_state{courier_client=\"c\",server_address=\"http://x:2\",state=\"closed\"} notanumber\n"
                + "\u0000\u0001\u00ff garbage\n";
        try (RawServer scrape = new RawServer(RawServer.answering(200, "text/plain", scrapeText.getBytes(StandardCharsets.UTF_8)))) {
            Cli c = breakers(scrape);
            assertThat(c.exit).as("%s", c).isZero();
            assertInstancesListed(c);
            assertThat(c.out.toString()).containsPattern("a\\\\x1b\\[31m +http://x:1 +open").doesNotContain("http://x:2");
        }
    }

    @Test
    void aScrapeOfBrokenLinesIsReadInLinearTime() throws Exception {
        // Label sets that never close: each line's search for '=' must stop at its end, not the scrape's.
        // 12 MiB, under the bound of 16: read in well under a second, where the search to the end took minutes.
        String broken = "m{\n".repeat(1 << 22);
        String breakers = "courier_breaker_state{\n".repeat(1 << 18);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThat(Samples.parse(broken).all()).isEmpty();
            assertThat(BreakerStates.parse(breakers)).isEmpty();
        });
    }
}
