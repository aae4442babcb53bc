package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.Limits;
import io.courier.json.JsonCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Requests from a client no Courier code wrote ({@link java.net.http.HttpClient}): each bad
 * request gets the right status and a problem body naming the problem, and the server keeps
 * serving good requests afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RawHttpTest {
    private static final int MAX_BODY = 1024;
    private static final int MAX_HEADERS = 2048;
    private static final JsonCodec JSON = JsonCodec.create();

    private final ShopImpl impl = new ShopImpl();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Courier server;
    private URI base;

    @BeforeAll
    void start() {
        server = Courier.builder().name("raw-server")
                .limits(Limits.builder().maxBodyBytes(MAX_BODY).maxHeaderBytes(MAX_HEADERS).build())
                .build().serve(Shop.class, impl);
        base = server.uri();
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    /** Every test ends by checking that the server still answers a good request. */
    @AfterEach
    void serverStillServes() throws Exception {
        HttpResponse<String> ok = send(HttpRequest.newBuilder(base.resolve("/orders/5")).GET());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(ok.body()).contains("\"id\":5", "\"placedAt\":\"2024-05-01T10:15:30Z\"");
    }

    @Test
    void goodRequestsGetJson() throws Exception {
        HttpResponse<String> placed = send(post("/orders", "application/json",
                "{\"id\":1,\"items\":[{\"sku\":\"x\",\"quantity\":2}],\"placedAt\":\"2024-01-01T00:00:00Z\"}"));
        assertThat(placed.statusCode()).isEqualTo(200);
        assertThat(placed.body()).contains("\"id\":1001");

        HttpResponse<String> noted = send(HttpRequest.newBuilder(base.resolve("/orders/3/note"))
                .header("content-type", "application/json").header("x-note-author", "bo")
                .PUT(BodyPublishers.ofString("\"hi\"")));
        assertThat(noted.statusCode()).isEqualTo(204);
        assertThat(noted.body()).isEmpty();
        assertThat(impl.notes).containsEntry(3L, "bo: hi");
    }

    @Test
    void oneWayIsAcceptedWith202() throws Exception {
        String event = "raw-" + UUID.randomUUID();
        HttpResponse<String> response = send(post("/events", "application/json", "\"" + event + "\""));
        assertThat(response.statusCode()).isEqualTo(202);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!impl.events.contains(event)) {
            assertThat(System.nanoTime()).as("handler ran within 10 s").isLessThan(end);
            Thread.onSpinWait();
        }
    }

    @Test
    void malformedJsonIs400NamingWhere() throws Exception {
        HttpResponse<String> response = send(post("/orders", "application/json", "{\"id\": 1, \"items\": [}"));
        Map<String, Object> problem = assertProblem(response, 400, "INVALID_ARGUMENT");
        assertThat((String) problem.get("detail")).isEqualTo("body: malformed JSON at line 1, column 21: Unexpected close marker '}': expected ']'");
        assertThat(response.body()).doesNotContain("jackson", "Jackson", "\tat ");
    }

    @Test
    void mistypedFieldIs400NamingTheField() throws Exception {
        HttpResponse<String> response = send(post("/orders", "application/json",
                "{\"id\":1,\"items\":[{\"sku\":\"x\",\"quantity\":1},{\"sku\":\"y\",\"quantity\":\"abc\"}]}"));
        Map<String, Object> problem = assertProblem(response, 400, "INVALID_ARGUMENT");
        assertThat(problem.get("detail")).isEqualTo("body: $.items[1].quantity: \"abc\" (expected: an integer)");
        assertThat(problem.get("retrySafe")).isEqualTo(false);
    }

    @Test
    void unsupportedContentTypeIs415NamingTheSupportedOnes() throws Exception {
        HttpResponse<String> response = send(post("/orders", "text/plain", "id=1"));
        Map<String, Object> problem = assertProblem(response, 415, "INVALID_ARGUMENT");
        assertThat(problem.get("detail")).isEqualTo("content-type: \"text/plain\" (expected: one of"
                + " [application/json, application/xml, application/x-protobuf, application/avro])");
    }

    @Test
    void oversizeBodyIs413FromContentLength() throws Exception {
        String big = "\"" + "x".repeat(MAX_BODY * 4) + "\"";
        HttpResponse<String> response = send(post("/events", "application/json", big));
        Map<String, Object> problem = assertProblem(response, 413, "RESOURCE_EXHAUSTED");
        assertThat(problem.get("detail")).isEqualTo("body: " + big.length() + " bytes (expected: at most " + MAX_BODY
                + " bytes)");
    }

    @Test
    void oversizeStreamedBodyIs413() throws Exception {
        byte[] big = ("\"" + "y".repeat(MAX_BODY * 4) + "\"").getBytes(StandardCharsets.UTF_8);
        // No Content-Length: the body arrives chunked and is counted as it streams in.
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/events"))
                .header("content-type", "application/json")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        Map<String, Object> problem = assertProblem(response, 413, "RESOURCE_EXHAUSTED");
        assertThat(problem.get("detail")).isEqualTo("body: over " + MAX_BODY + " bytes (expected: at most " + MAX_BODY
                + " bytes)");
    }

    /**
     * A refused body's answer says {@code connection: close}, so the connection closes after it
     * (RFC 9112 9.6): the rest of the body is not read, nor a request sent behind it run or
     * answered. Before, both were, and the connection stayed until the request read timeout
     * (30 s here).
     */
    @Test
    void aRefusedBodyClosesTheConnectionItsAnswerSaysItCloses() throws Exception {
        byte[] body = ("\"" + "x".repeat(MAX_BODY * 4) + "\"").getBytes(StandardCharsets.US_ASCII);
        String behindDeclared = "behind-declared-" + UUID.randomUUID();
        String behindChunked = "behind-chunked-" + UUID.randomUUID();

        String declared = exchangeUntilClosed(concat("POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                + "content-length: " + body.length + "\r\n\r\n", body, oneWay(behindDeclared)));
        assertThat(declared).startsWith("HTTP/1.1 413 ").contains("connection: close")
                .contains("\"detail\":\"body: " + body.length + " bytes").doesNotContain("HTTP/1.1 202");

        String chunked = exchangeUntilClosed(concat("POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n", body,
                "\r\n0\r\n\r\n" + oneWay(behindChunked)));
        assertThat(chunked).startsWith("HTTP/1.1 413 ").contains("connection: close")
                .contains("\"detail\":\"body: over " + MAX_BODY + " bytes").doesNotContain("HTTP/1.1 202");

        // A call sent after them is run; the ones behind the refused bodies never are.
        String after = "after-" + UUID.randomUUID();
        assertThat(send(post("/events", "application/json", "\"" + after + "\"")).statusCode()).isEqualTo(202);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!impl.events.contains(after)) {
            assertThat(System.nanoTime()).as("handler ran within 10 s").isLessThan(end);
            Thread.onSpinWait();
        }
        assertThat(impl.events).doesNotContain(behindDeclared, behindChunked);
    }

    /**
     * A request with both a length and chunks is read one way by some proxies and the other way
     * by others: what one takes for its body the other takes for the next request. It is refused
     * with 400 and its connection closed, so a request smuggled behind it is never run, whether
     * it is the connection's first request or follows another.
     */
    @Test
    void aRequestWithBothALengthAndChunksIsRefusedAndItsConnectionClosed() throws Exception {
        for (boolean first : new boolean[] {true, false}) {
            String before = "before-" + UUID.randomUUID();
            String smuggled = "smuggled-" + UUID.randomUUID();
            String chunked = "\"x\"";
            String request = (first ? "" : oneWay(before)) + "POST /events HTTP/1.1\r\nhost: x\r\n"
                    + "content-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n"
                    + Integer.toHexString(chunked.length()) + "\r\n" + chunked + "\r\n0\r\n\r\n" + oneWay(smuggled);
            String answer = exchangeUntilClosed(request.getBytes(StandardCharsets.US_ASCII));
            String refused = first ? answer : answer.substring(answer.indexOf("HTTP/1.1 400 "));
            assertThat(answer).as("first: %s", first).startsWith(first ? "HTTP/1.1 400 " : "HTTP/1.1 202 ");
            assertThat(refused).startsWith("HTTP/1.1 400 ").contains("connection: close")
                    .contains("both Content-Length and Transfer-Encoding: chunked (expected: one of them)")
                    .doesNotContain("HTTP/1.1 202");
            assertThat(impl.events).doesNotContain(smuggled);
        }
        // Either alone is read as before, and a request behind it on the same connection is answered.
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(3_000);
            String first = "chunks-" + UUID.randomUUID();
            String body = "\"" + first + "\"";
            String second = "length-" + UUID.randomUUID();
            socket.getOutputStream().write(("POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + body
                    + "\r\n0\r\n\r\n" + oneWay(second)).getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(readUntil(in, "\r\n\r\n")).startsWith("HTTP/1.1 202 ");
            assertThat(readUntil(in, "\r\n\r\n")).startsWith("HTTP/1.1 202 ");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!impl.events.containsAll(List.of(first, second))) {
                assertThat(System.nanoTime()).as("both handled within 10 s").isLessThan(end);
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Transfer codings other than {@code chunked} alone: with {@code chunked} not last (or twice,
     * or spread over two header lines that end in another) the body's length cannot be known,
     * 400; with another coding before it, one the server does not implement, 501. Either way the
     * connection is closed and nothing behind the request is run.
     */
    @Test
    void transferCodingsOtherThanChunkedAloneAreRefusedAndTheConnectionClosed() throws Exception {
        String body = "1\r\nx\r\n0\r\n\r\n";
        Map<String, String> expected = Map.of(
                "transfer-encoding: chunked, gzip\r\n", "HTTP/1.1 400 ",
                "transfer-encoding: chunked, chunked\r\n", "HTTP/1.1 400 ",
                "transfer-encoding: chunked\r\ntransfer-encoding: gzip\r\n", "HTTP/1.1 400 ",
                "transfer-encoding: gzip, chunked\r\n", "HTTP/1.1 501 ");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String smuggled = "smuggled-" + UUID.randomUUID();
            String answer = exchangeUntilClosed(("POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + e.getKey() + "\r\n" + body + oneWay(smuggled)).getBytes(StandardCharsets.US_ASCII));
            assertThat(answer).as(e.getKey()).startsWith(e.getValue()).contains("connection: close")
                    .contains("Transfer-Encoding: ").doesNotContain("HTTP/1.1 202");
            assertThat(impl.events).doesNotContain(smuggled);
        }
        assertThat(exchangeUntilClosed(("POST /events HTTP/1.1\r\nhost: x\r\ntransfer-encoding: gzip, chunked\r\n\r\n"
                + body).getBytes(StandardCharsets.US_ASCII)))
                .contains("\"detail\":\"request: Transfer-Encoding: gzip, chunked (expected: chunked alone; no other"
                        + " transfer coding is implemented, send Content-Encoding for a compressed body)\"");
    }

    /**
     * A request line naming a version this decoder does not speak ({@code HTTP/2.0}: HTTP/2
     * starts with its preface or an h2c upgrade, never a request line) is 505 with a problem
     * body, and its connection closed.
     */
    @Test
    void aRequestLineOfAnotherHttpVersionIs505() throws Exception {
        for (String version : List.of("HTTP/2.0", "HTTP/9.9")) {
            String answer = exchangeUntilClosed(("GET /orders/5 " + version + "\r\nhost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(answer).as(version).startsWith("HTTP/1.1 505 ").contains("connection: close")
                    .contains("application/problem+json").contains("\"detail\":\"request: " + version
                            + " (expected: HTTP/1.1 or HTTP/1.0 on this connection; HTTP/2 begins with its preface"
                            + " or an h2c upgrade)\"");
        }
    }

    /**
     * A client that asks {@code Expect: 100-continue} holds its body back until the server says
     * so (curl for a second, the JDK's client five): the server says so once it means to read the
     * body, and answers a request it refuses without it. Before, it never said so.
     */
    @Test
    void aClientThatExpects100ContinueIsToldToSendItsBody() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(3_000);
            String event = "continued-" + UUID.randomUUID();
            OutputStream out = socket.getOutputStream();
            out.write(("POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nexpect: 100-continue\r\n"
                    + "content-length: " + (event.length() + 2) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(readUntil(in, "\r\n\r\n")).startsWith("HTTP/1.1 100 Continue\r\n");
            out.write(("\"" + event + "\"").getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntil(in, "\r\n\r\n")).startsWith("HTTP/1.1 202 ");
        }
        // Refused before its body is read: the final answer, no 100.
        byte[] refused = ("POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nexpect: 100-continue\r\n"
                + "content-length: " + (MAX_BODY + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(exchangeUntilClosed(refused)).startsWith("HTTP/1.1 413 ").doesNotContain("100 Continue");
    }

    /** Reads from {@code in} until what was read ends with {@code end}. */
    private static String readUntil(InputStream in, String end) throws Exception {
        StringBuilder read = new StringBuilder();
        while (!read.toString().endsWith(end)) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no more within 3 s after: " + read, e);
            }
            assertThat(b).as("the connection closed after: %s", read).isNotNegative();
            read.append((char) b);
        }
        return read.toString();
    }

    private static String oneWay(String event) {
        return "POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: "
                + (event.length() + 2) + "\r\n\r\n\"" + event + "\"";
    }

    @Test
    void tooLargeHeadersAre431() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/orders/1"))
                .header("x-filler", "z".repeat(MAX_HEADERS * 2)).GET());
        Map<String, Object> problem = assertProblem(response, 431, "RESOURCE_EXHAUSTED");
        assertThat(problem.get("detail")).isEqualTo("headers: over " + MAX_HEADERS + " bytes (expected: at most "
                + MAX_HEADERS + " bytes of request headers)");
    }

    @Test
    void unknownRouteIs404NamingThePath() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/nowhere/7")).GET());
        Map<String, Object> problem = assertProblem(response, 404, "NOT_FOUND");
        assertThat(problem.get("detail")).isEqualTo("path: GET /nowhere/7 (expected: a route this server serves)");
        assertThat(problem.get("type")).isEqualTo("urn:courier:status:NOT_FOUND");
        assertThat(problem.get("title")).isEqualTo("Not found");
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/orders/7"))
                .method("PATCH", BodyPublishers.ofString("{}")).header("content-type", "application/json"));
        Map<String, Object> problem = assertProblem(response, 405, "UNIMPLEMENTED");
        assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD, DELETE");
        assertThat(problem.get("detail")).isEqualTo("method: PATCH on /orders/7 (expected: one of GET, HEAD, DELETE)");

        HttpResponse<String> head = send(HttpRequest.newBuilder(base.resolve("/orders")).HEAD());
        assertThat(head.statusCode()).as("HEAD where there is no GET").isEqualTo(405);
        assertThat(head.headers().firstValue("allow")).hasValue("POST");
    }

    /**
     * HEAD is answered wherever GET is (RFC 9110 9.3.2), with the GET's status and headers, its
     * body's length, and no body: the next answer on the connection follows the head at once.
     */
    @Test
    void headIsAnsweredLikeGetWithoutTheBody() throws Exception {
        HttpResponse<String> get = send(HttpRequest.newBuilder(base.resolve("/orders/5")).GET());
        HttpResponse<String> head = send(HttpRequest.newBuilder(base.resolve("/orders/5")).HEAD());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(head.headers().firstValue("content-length")).hasValue(Integer.toString(get.body().length()));
        assertThat(head.body()).isEmpty();

        HttpResponse<String> missing = send(HttpRequest.newBuilder(base.resolve("/missing/4")).HEAD());
        assertThat(missing.statusCode()).as("the GET's status").isEqualTo(404);
        assertThat(missing.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(missing.body()).isEmpty();

        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(3_000);
            socket.getOutputStream().write(("HEAD /orders/6 HTTP/1.1\r\nhost: x\r\n\r\n"
                    + "HEAD /orders/abc HTTP/1.1\r\nhost: x\r\n\r\nGET /orders/7 HTTP/1.1\r\nhost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(readUntil(in, "\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(readUntil(in, "\r\n\r\n")).as("a refused HEAD").startsWith("HTTP/1.1 400 ")
                    .contains("application/problem+json");
            assertThat(readUntil(in, "\r\n\r\n")).as("right after the heads").startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(readUntil(in, "}")).contains("\"id\":7");
        }
        try (HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            h2.send(HttpRequest.newBuilder(base.resolve("/orders/5")).GET().build(), BodyHandlers.ofString());
            HttpResponse<String> h2Head = h2.send(HttpRequest.newBuilder(base.resolve("/orders/5")).HEAD()
                    .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
            assertThat(h2Head.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(h2Head.statusCode()).isEqualTo(200);
            assertThat(h2Head.headers().firstValue("content-length")).hasValue(Integer.toString(get.body().length()));
            assertThat(h2Head.body()).isEmpty();
        }
    }

    @Test
    void unacceptableAcceptIs406() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/orders/7"))
                .header("accept", "text/html").GET());
        Map<String, Object> problem = assertProblem(response, 406, "INVALID_ARGUMENT");
        assertThat(problem.get("detail")).isEqualTo("accept: \"text/html\" (expected: one of"
                + " [application/json, application/xml, application/x-protobuf, application/avro], or */*)");
        HttpResponse<String> wildcard = send(HttpRequest.newBuilder(base.resolve("/orders/7"))
                .header("accept", "text/html, */*;q=0.1").GET());
        assertThat(wildcard.statusCode()).isEqualTo(200);
    }

    @Test
    void mistypedPathVariableIs400() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/orders/abc")).GET());
        Map<String, Object> problem = assertProblem(response, 400, "INVALID_ARGUMENT");
        assertThat((String) problem.get("detail")).startsWith("path id: \"abc\" (expected: an integer");
    }

    @Test
    void mistypedQueryParameterIs400() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/orders/recent?limit=many")).GET());
        Map<String, Object> problem = assertProblem(response, 400, "INVALID_ARGUMENT");
        assertThat((String) problem.get("detail")).startsWith("query limit: \"many\" (expected: an integer");
    }

    @Test
    void mistypedTimeQueryParameterIs400WithItsArticle() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/orders/recent?limit=1&after=yesterday"))
                .GET());
        Map<String, Object> problem = assertProblem(response, 400, "INVALID_ARGUMENT");
        assertThat(problem.get("detail")).isEqualTo("query after: \"yesterday\" (expected: an Instant in ISO-8601 form)");
    }

    @Test
    void malformedTimeoutHeaderIs400() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/orders/1"))
                .header("courier-timeout", "soon").GET());
        Map<String, Object> problem = assertProblem(response, 400, "INVALID_ARGUMENT");
        assertThat((String) problem.get("detail")).startsWith("courier-timeout header: timeout: \"soon\"");
    }

    @Test
    void deadlineExceededIs504AndTheHandlerIsInterrupted() throws Exception {
        String token = UUID.randomUUID().toString();
        HttpResponse<String> response = send(post("/slow", "application/json", "\"" + token + "\"")
                .header("courier-timeout", "150m"));
        Map<String, Object> problem = assertProblem(response, 504, "DEADLINE_EXCEEDED");
        assertThat((String) problem.get("detail")).contains("shop.slow", "deadline exceeded");
        assertThat(impl.interrupted(token).await(10, TimeUnit.SECONDS)).as("handler interrupted").isTrue();
    }

    @Test
    void serverErrorsKeepTheirStatusMessageAndCode() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/missing/4")).GET());
        Map<String, Object> problem = assertProblem(response, 404, "NOT_FOUND");
        assertThat(problem.get("detail")).isEqualTo("order 4 does not exist");
        assertThat(problem.get("status")).isEqualTo(404);
    }

    @Test
    void http2ClientsAreServedOnTheSamePort() throws Exception {
        try (HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            // The JDK client upgrades cleartext connections with "Upgrade: h2c".
            HttpResponse<String> first = h2.send(HttpRequest.newBuilder(base.resolve("/orders/8")).GET().build(),
                    BodyHandlers.ofString());
            HttpResponse<String> second = h2.send(HttpRequest.newBuilder(base.resolve("/orders/9")).GET().build(),
                    BodyHandlers.ofString());
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.body()).contains("\"id\":8");
            assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(second.body()).contains("\"id\":9");
            HttpResponse<String> missing = h2.send(HttpRequest.newBuilder(base.resolve("/nowhere")).GET().build(),
                    BodyHandlers.ofString());
            assertProblem(missing, 404, "NOT_FOUND");
        }
    }

    private HttpRequest.Builder post(String path, String contentType, String body) {
        return HttpRequest.newBuilder(base.resolve(path)).header("content-type", contentType)
                .POST(BodyPublishers.ofString(body));
    }

    private static byte[] concat(String head, byte[] body, String tail) {
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(h, h.length + body.length + t.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        System.arraycopy(t, 0, all, h.length + body.length, t.length);
        return all;
    }

    /** Sends {@code request} on a connection of its own and reads until the server closes it, within 5 s. */
    private String exchangeUntilClosed(byte[] request) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000);
            try {
                socket.getOutputStream().write(request);
            } catch (SocketException e) {
                // The server closed first, having refused what it read: its answer is still to be read.
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the connection is still open 5 s after the answer: "
                        + received.toString(StandardCharsets.ISO_8859_1), e);
            } catch (SocketException e) {
                // A reset after the answer: what was read is the answer.
            }
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        Map<String, Object> problem = (Map<String, Object>) JSON.decode(response.body().getBytes(StandardCharsets.UTF_8),
                Map.class);
        assertThat(problem).containsEntry("status", status).containsEntry("code", code)
                .containsEntry("type", "urn:courier:status:" + code).containsKeys("title", "detail", "retrySafe");
        return problem;
    }
}
