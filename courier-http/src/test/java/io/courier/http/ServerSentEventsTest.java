package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.FailedPreconditionException;
import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Query;
import io.courier.annotation.Service;
import io.courier.test.Await;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A server-streaming method over REST answers Server-Sent Events, read here by the JDK's HTTP
 * client on loopback: elements in order, an error event on failure, the producer stopped when
 * the client goes away and held back while the client does not read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerSentEventsTest {
    /** One element; public, as the dispatcher invokes the contract by reflection. */
    public record Tick(long n, String pad) {
    }

    /** A contract of streams. */
    @Service("feed")
    public interface Feed {
        @Get("/feed/{n}")
        Stream<Tick> count(@Path("n") int n);

        @Get("/feed/{n}/failing")
        Stream<Tick> failing(@Path("n") int n);

        @Get("/endless")
        Stream<Tick> endless(@Query("pad") int pad);
    }

    private final AtomicLong produced = new AtomicLong();
    private final AtomicInteger closed = new AtomicInteger();
    private volatile CountDownLatch endlessClosed = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;

    @BeforeAll
    void start() {
        server = Courier.builder().name("feed").build().serve(Feed.class, new Feed() {
            @Override
            public Stream<Tick> count(int n) {
                return IntStream.rangeClosed(1, n).mapToObj(i -> new Tick(i, "line\nbreak")).onClose(closed::incrementAndGet);
            }

            @Override
            public Stream<Tick> failing(int n) {
                return IntStream.rangeClosed(1, n + 1).mapToObj(i -> {
                    if (i > n) {
                        throw new FailedPreconditionException("feed: ran dry after " + n + " (expected: a refill)");
                    }
                    return new Tick(i, "");
                });
            }

            @Override
            public Stream<Tick> endless(int pad) {
                String padding = "x".repeat(pad);
                CountDownLatch latch = endlessClosed;
                return Stream.generate(() -> new Tick(produced.incrementAndGet(), padding)).onClose(latch::countDown);
            }
        });
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    private HttpResponse<InputStream> open(String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path));
        if (accept != null) {
            request.header("accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static List<String> lines(HttpResponse<InputStream> response) throws Exception {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        }
    }

    @Test
    void elementsArriveInOrderAsJsonDataEventsAndTheStreamEnds() throws Exception {
        int closedBefore = closed.get();
        HttpResponse<InputStream> response = open("/feed/3", "text/event-stream");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(lines(response)).containsExactly(
                "data: {\"n\":1,\"pad\":\"line\\nbreak\"}", "",
                "data: {\"n\":2,\"pad\":\"line\\nbreak\"}", "",
                "data: {\"n\":3,\"pad\":\"line\\nbreak\"}", "");
        Await.until(Duration.ofSeconds(5), "the implementation's stream closed", () -> closed.get() == closedBefore + 1);
    }

    /**
     * HEAD on a stream answers the GET's head at once, without a body, and closes the
     * implementation's stream unread, the endless one too.
     */
    @Test
    void headAnswersTheEventStreamsHeadAndClosesTheStream() throws Exception {
        int closedBefore = closed.get();
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(server.uri().resolve("/feed/3")).HEAD()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(head.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(head.body()).isEmpty();
        Await.until(Duration.ofSeconds(5), "the implementation's stream closed", () -> closed.get() == closedBefore + 1);

        endlessClosed = new CountDownLatch(1);
        HttpResponse<String> endless = http.send(HttpRequest.newBuilder(server.uri().resolve("/endless?pad=1")).HEAD()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(endless.statusCode()).isEqualTo(200);
        assertThat(endlessClosed.await(5, TimeUnit.SECONDS)).as("the endless stream closed").isTrue();
    }

    @Test
    void eventsAreTheDefaultWithoutAcceptAndWithWildcards() throws Exception {
        for (String accept : new String[] {null, "*/*", "text/*;q=0.5, application/json"}) {
            HttpResponse<InputStream> response = open("/feed/1", accept);

            assertThat(response.headers().firstValue("content-type")).as(accept).hasValue("text/event-stream");
            assertThat(lines(response)).as(accept).containsExactly("data: {\"n\":1,\"pad\":\"line\\nbreak\"}", "");
        }
    }

    @Test
    void anAcceptWithoutEventStreamIs406() throws Exception {
        for (String accept : new String[] {"application/json", "text/event-stream;q=0"}) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri().resolve("/feed/2"))
                    .header("accept", accept).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(accept).isEqualTo(406);
            assertThat(response.body()).contains("(expected: text/event-stream, or */*: feed.count streams its responses)");
        }
    }

    @Test
    void aFailureMidStreamEndsWithAnErrorEventHoldingTheProblem() throws Exception {
        HttpResponse<InputStream> response = open("/feed/2/failing", "text/event-stream");

        List<String> lines = lines(response);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(lines).hasSize(7);
        assertThat(lines.subList(0, 4)).containsExactly("data: {\"n\":1,\"pad\":\"\"}", "", "data: {\"n\":2,\"pad\":\"\"}", "");
        assertThat(lines.get(4)).isEqualTo("event: error");
        assertThat(lines.get(5)).startsWith("data: {").contains("\"status\":412", "\"code\":\"FAILED_PRECONDITION\"",
                "feed: ran dry after 2 (expected: a refill)");
        assertThat(lines.get(6)).isEmpty();
    }

    @Test
    void aClientThatGoesAwayCancelsTheProducerAndClosesItsStream() throws Exception {
        endlessClosed = new CountDownLatch(1);
        HttpResponse<InputStream> response = open("/endless?pad=16", "text/event-stream");
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            first.add(reader.readLine());
        }

        reader.close();

        assertThat(first.get(0)).startsWith("data: {\"n\":");
        assertThat(endlessClosed.await(10, TimeUnit.SECONDS)).as("the implementation's stream was closed").isTrue();
        long after = produced.get();
        // The producer has stopped for good: a later call starts from where it stopped.
        HttpResponse<String> next = http.send(HttpRequest.newBuilder(server.uri().resolve("/feed/1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(produced.get()).isEqualTo(after);
    }

    @Test
    void anHttp2ClientThatResetsTheStreamCancelsTheProducer() throws Exception {
        endlessClosed = new CountDownLatch(1);
        try (HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            HttpResponse<InputStream> response = h2.send(HttpRequest.newBuilder(server.uri().resolve("/endless?pad=16"))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            String first = reader.readLine();

            reader.close();

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(first).startsWith("data: {\"n\":");
            assertThat(endlessClosed.await(10, TimeUnit.SECONDS)).as("the implementation's stream was closed").isTrue();
        }
    }

    @Test
    void aDeadlineThatPassesMidStreamEndsItWithAnErrorEvent() throws Exception {
        endlessClosed = new CountDownLatch(1);
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(server.uri().resolve("/endless?pad=16"))
                .header("courier-timeout", "300m").build(), HttpResponse.BodyHandlers.ofInputStream());

        // A client that reads everything: only the deadline ends the stream. The last lines are kept.
        java.util.ArrayDeque<String> last = new java.util.ArrayDeque<>();
        String first;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            first = reader.readLine();
            for (String line = first; line != null; line = reader.readLine()) {
                if (last.size() == 3) {
                    last.removeFirst();
                }
                last.addLast(line);
            }
        }
        List<String> lines = List.copyOf(last);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(first).startsWith("data: {\"n\":");
        assertThat(lines.get(0)).isEqualTo("event: error");
        assertThat(lines.get(1)).contains("\"code\":\"DEADLINE_EXCEEDED\"",
                "feed.endless: deadline exceeded while streaming");
        assertThat(endlessClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aClientThatDoesNotReadHoldsTheProducerBack() throws Exception {
        endlessClosed = new CountDownLatch(1);
        long start = produced.get();
        HttpResponse<InputStream> response = open("/endless?pad=1024", "text/event-stream");
        long[] last = {-1};
        int[] still = {0};

        // Nothing is read: once the socket buffers and the write queue fill, the producer waits.
        Await.until(Duration.ofSeconds(20), () -> "the producer to stop; produced " + (produced.get() - start), () -> {
            long now = produced.get();
            still[0] = now == last[0] ? still[0] + 1 : 0;
            last[0] = now;
            return still[0] >= 100; // unchanged across 100 polls (at least 200 ms)
        });

        assertThat(produced.get() - start).as("elements of 1 KiB produced ahead of the reader").isBetween(1L, 50_000L);
        response.body().close();
        assertThat(endlessClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
