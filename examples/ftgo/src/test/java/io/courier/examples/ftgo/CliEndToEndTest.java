package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.test.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./courier call}, {@code instances}, {@code publish} and {@code tail}, run through the
 * launcher script as people run them, against the running multi-process demo on an embedded
 * Kafka: its service instances, each in a JVM of its own, registered themselves in the demo's
 * local discovery directory, which {@code call} and {@code instances} read with {@code --dir}.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class CliEndToEndTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final Path LAUNCHER = Path.of("../../courier").toAbsolutePath().normalize();
    private static final String NEW_ORDER = "{\"consumerId\":1,\"restaurant\":\"Ajanta\",\"items\":[{\"dish\":\"naan\","
            + "\"quantity\":2,\"price\":{\"amount\":2.25,\"currency\":\"EUR\"}}]}";

    @TempDir
    static Path files;

    private static DemoProcesses demo;
    private static String registry;
    /** A port held by this test and given to the delivery instance first: taken, as by another process meanwhile. */
    private static java.net.ServerSocket taken;

    @BeforeAll
    static void startDemo() throws IOException {
        taken = new java.net.ServerSocket(0);
        java.util.concurrent.atomic.AtomicBoolean given = new java.util.concurrent.atomic.AtomicBoolean();
        demo = DemoProcesses.start("kafka", null, "local", 0, System.out,
                instance -> instance.equals("delivery") && given.compareAndSet(false, true)
                        ? taken.getLocalPort() : DemoProcesses.freePort());
        registry = demo.discoveryDirectory().toString();
    }

    @AfterAll
    static void stopDemo() throws IOException {
        demo.close();
        taken.close();
    }

    @Test
    void anInstanceWhosePortWasTakenBeforeItBoundIsStartedAgainOnAnother() throws Exception {
        assertThat(demo.node("delivery").port()).isNotEqualTo(taken.getLocalPort());
        assertThat(Files.readString(demo.logs().resolve("delivery.port-taken-1.log"))).contains("Address already in use");
        assertThat(demo.registered()).contains("delivery");
        assertThat(demo.probe("delivery").pid()).isEqualTo(demo.node("delivery").process().pid());
    }

    private static String kafka() {
        return demo.broker().childSpec();
    }

    /** Starts {@code ./courier args...} with the test's class path (so the script builds nothing). */
    private static Process start(Path out, Path err, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("COURIER_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run courier(String... args) throws Exception {
        Path out = Files.createTempFile(files, "out", ".txt");
        Path err = Files.createTempFile(files, "err", ".txt");
        Process p = start(out, err, args);
        assertThat(p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("./courier %s ends", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theConsoleDrawsEveryDemoServiceAndTheCallsBetweenThem() throws Exception {
        java.net.URI console = demo.uri("order").resolve("/console/");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            placeOrder(http); // so that the calls it makes show as edges
            com.fasterxml.jackson.databind.JsonNode[] state = {null};
            Await.until(PATIENCE, "every demo service drawn, up, with the order's gRPC call and event", () -> {
                try {
                    state[0] = json.readTree(http.send(java.net.http.HttpRequest.newBuilder(console.resolve("api/state"))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                } catch (Exception e) {
                    return false;
                }
                List<String> up = new java.util.ArrayList<>();
                state[0].path("nodes").forEach(n -> {
                    if (n.path("kind").asText().equals("service") && n.path("up").asBoolean()) {
                        up.add(n.path("id").asText());
                    }
                });
                boolean grpc = false;
                boolean event = false;
                for (var e : state[0].path("edges")) {
                    grpc |= e.path("from").asText().equals("order") && e.path("to").asText().equals("consumer")
                            && e.path("style").asText().equals("gRPC");
                    event |= e.path("from").asText().equals("OrderCreated") && e.path("style").asText().equals("event");
                }
                return up.containsAll(List.of(DemoNode.CONSOLE_SERVICES)) && grpc && event;
            }, () -> String.valueOf(state[0]));
        }
        var chromium = io.courier.test.HeadlessChromium.executable();
        if (chromium.isPresent()) { // the picture of the demo for docs/console.md; the DOM says the same as the state
            try (var browser = io.courier.test.HeadlessChromium.start(chromium.get())) {
                browser.navigate(console);
                browser.awaitTrue(PATIENCE, java.util.Arrays.stream(DemoNode.CONSOLE_SERVICES)
                        .map(s -> "document.querySelector('#node-" + s + "') !== null")
                        .collect(java.util.stream.Collectors.joining(" && ")));
                browser.screenshot(Path.of("target", "console-screenshots", "demo-topology.png"));
            }
        }
    }

    /** Last: it kills an instance of the demo the other tests share. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void theConsoleShowsAKilledInstanceRed() throws Exception {
        java.net.URI console = demo.uri("order").resolve("/console/");
        var chromium = io.courier.test.HeadlessChromium.executable();
        if (chromium.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("no chromium on the PATH, and CI=true (expected: apt-get install chromium)");
            }
            org.junit.jupiter.api.Assumptions.abort("chromium on the PATH (apt-get install chromium)");
        }
        try (var browser = io.courier.test.HeadlessChromium.start(chromium.get())) {
            browser.navigate(console);
            browser.awaitTrue(PATIENCE, "document.querySelectorAll('#node-consumer .dot.up').length === 2"
                    + " && !document.querySelector('#node-consumer').classList.contains('down')");
            demo.kill("consumer-2");
            // The process is gone: discovery drops it, and the console keeps it drawn, red, for its window.
            browser.awaitTrue(Duration.ofSeconds(30), "document.querySelector('#node-consumer').classList.contains('down')"
                    + " && document.querySelectorAll('#node-consumer .dot.down').length === 1"
                    + " && document.querySelectorAll('#node-consumer .dot.up').length === 1");
            browser.screenshot(Path.of("target", "console-screenshots", "demo-instance-killed.png"));
        }
    }

    @Test
    void theLinesPrintedToTryAnswerAsPrinted() throws Exception {
        List<String> lines = Demo.tryLines(demo);
        List<String> gets = lines.stream().filter(l -> l.matches("curl http://\\S+")).toList();
        assertThat(gets).hasSize(3);
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            for (String line : gets) {
                java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(line.substring(5))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(line).isEqualTo(200);
            }
        }
        assertThat(lines).contains("./courier instances consumer --dir " + registry)
                .anyMatch(l -> l.startsWith("curl -N '" + demo.uri("order") + "/orders/"));
    }
    /** Places {@link #NEW_ORDER} with the order service's REST API and requires it accepted. */
    private static void placeOrder(java.net.http.HttpClient http) throws Exception {
        java.net.http.HttpResponse<String> order = http.send(java.net.http.HttpRequest.newBuilder(
                        demo.uri("order").resolve("/orders")).header("content-type", "application/json")
                        .timeout(PATIENCE).POST(java.net.http.HttpRequest.BodyPublishers.ofString(NEW_ORDER)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(order.statusCode()).as(order.body()).isEqualTo(200);
    }

    @Test
    void instancesListsTheDemosServicesWithHealth() throws Exception {
        Run r = courier("instances", "consumer", "--dir", registry);
        assertThat(r.exit()).as("%s", r).isZero();
        for (String instance : List.of("consumer-1", "consumer-2")) {
            long pid = demo.node(instance).process().pid();
            assertThat(r.out()).contains("consumer-service-" + pid + "-", demo.uri(instance).toString(), " " + pid);
        }
        assertThat(r.out()).contains("UP", "live");
    }

    @Test
    void instancesShowsTheBreakersTheOrderServiceKeepsOnItsEndpoints() throws Exception {
        // An order first: creating it, the order service calls a consumer, so it keeps a breaker on that endpoint.
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            placeOrder(http);
        }
        String scrape = demo.uri("order").resolve("/metrics").toString();
        Run r = courier("instances", "consumer", "--dir", registry, "--breakers", demo.uri("order").toString());
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.out()).contains("(breakers: " + scrape + ")")
                .containsPattern("(?m)^consumer +grpc://[^ ]+ +(closed|open|half_open)$");
    }

    @Test
    void callReachesTheDemoThroughDiscoveryWithResultsAndTypedErrors() throws Exception {
        Run consumer = courier("call", "consumer", "get", "--http", "GET /consumers/1", "--dir", registry);
        assertThat(consumer.exit()).as("%s", consumer).isZero();
        assertThat(consumer.out()).contains("\"id\" : 1");

        Run order = courier("call", "order", "create", NEW_ORDER, "--http", "POST /orders",
                    "--timeout", "60", "--dir", registry); // the first order warms a cold path up
        assertThat(order.exit()).as("%s", order).isZero();
        assertThat(order.out()).contains("\"restaurant\" : \"Ajanta\"");

        Run missing = courier("call", "consumer", "get", "--http", "GET /consumers/404404", "--dir", registry);
        assertThat(missing.exit()).as("%s", missing).isEqualTo(1);
        assertThat(missing.err()).contains("NOT_FOUND (HTTP 404) from GET ");

        Run kitchen = courier("call", "kitchen", "createTicket", "{\"oops\"", "--dir", registry);
        assertThat(kitchen.exit()).isEqualTo(2);
        assertThat(kitchen.err()).contains("JSON: not JSON");
    }

    @Test
    void callReachesTheDemoOverGrpcWithoutStubsWithResultsAndTypedErrors() throws Exception {
        Run consumer = courier("call", "consumer", "get", "{\"id\":1}", "--transport", "grpc", "--dir", registry);
        assertThat(consumer.exit()).as("%s", consumer).isZero();
        assertThat(consumer.out()).contains("\"name\" : \"Ada Lovelace\"");

        Run order = courier("call", "order", "create", NEW_ORDER, "--transport", "grpc", "--timeout", "60", "--dir", registry);
        assertThat(order.exit()).as("%s", order).isZero();
        assertThat(order.out()).contains("\"restaurant\" : \"Ajanta\"", "\"state\" : \"APPROVED\"");

        Run missing = courier("call", "consumer", "get", "{\"id\":404404}", "--transport", "grpc", "--dir", registry);
        assertThat(missing.exit()).as("%s", missing).isEqualTo(1);
        assertThat(missing.err()).contains("NOT_FOUND (gRPC 5) from grpc://127.0.0.1:", "/consumer.ConsumerService/Get:")
                .contains("  consumer 404404 does not exist");

        // Across two processes: order -> consumer over gRPC, the consumer's typed error and its details come back.
        Run overLimit = courier("call", "order", "create", "{\"consumerId\":2,\"restaurant\":\"Ajanta\",\"items\":[{\"dish\":"
                + "\"thali\",\"quantity\":3,\"price\":{\"amount\":15.00,\"currency\":\"EUR\"}}]}", "--transport", "grpc",
                "--timeout", "60", "--target", "grpc://" + demo.uri("order").getRawAuthority());
        assertThat(overLimit.exit()).as("%s", overLimit).isEqualTo(1);
        assertThat(overLimit.err()).contains("FAILED_PRECONDITION (gRPC 9) from grpc://", "limit: 30.00");
    }

    @Test
    void tailFollowsTheDemosEventsAndPublishedMessages() throws Exception {
        Path out = Files.createTempFile(files, "tail", ".txt");
        Path err = Files.createTempFile(files, "tail-err", ".txt");
        Process tail = start(out, err, "tail", "OrderCreated", "--broker", kafka(), "--count", "2");
        try {
            Await.until(PATIENCE, () -> "tail following: " + read(err), () -> read(err).contains("Following OrderCreated"));
            Run order = courier("call", "order", "create", NEW_ORDER, "--http", "POST /orders",
                    "--timeout", "60", "--dir", registry); // the first order warms a cold path up
            assertThat(order.exit()).as("%s", order).isZero();
            Await.until(PATIENCE, () -> "the order's event: " + read(out), () -> read(out).contains("--- #1 OrderCreated"));
            Run published = courier("publish", "OrderCreated", "{\"by\":\"hand\"}", "--key", "k-1", "--header", "x-note=e2e",
                    "--broker", kafka());
            assertThat(published.exit()).as("%s", published).isZero();
            assertThat(published.out()).contains("Confirmed by Kafka at ");
            assertThat(tail.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("tail stops at --count").isTrue();
            assertThat(tail.exitValue()).as("%s", read(err)).isZero();
            assertThat(read(out)).contains("Ajanta", "--- #2 OrderCreated", "x-note: e2e", "\"by\" : \"hand\"");
            assertThat(read(err)).contains("Deleted temporary group courier-tail-");
        } finally {
            tail.destroy();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
