package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.examples.ftgo.accounting.AccountingService;
import io.courier.examples.ftgo.accounting.CardAuthorization;
import io.courier.examples.ftgo.order.LineItem;
import io.courier.examples.ftgo.order.NewOrder;
import io.courier.examples.ftgo.order.OrderCreated;
import io.courier.examples.ftgo.order.OrderService;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.test.Await;
import io.courier.test.HeadlessChromium;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The web console of the running multi-process demo (the order service's, on an embedded
 * Kafka), in headless Chromium, read from its DOM: an {@code OrderCreated} that accounting
 * cannot charge (no card was authorised for it) is dead-lettered, shown with its reason,
 * replayed from the page once the card is authorised, and then charged; and a consumer
 * instance whose process is stopped ({@code kill -STOP}: it hangs, still registered, as a
 * process in a long pause or behind a broken network does) turns red, its node and the order
 * service's breaker on its endpoint, within seconds, while orders keep coming. Saves
 * screenshots under {@code target/console-screenshots/}.
 *
 * <p>Skipped with a notice where no Chromium is installed; fails instead when {@code CI=true}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleDemoTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** How soon the stopped instance and its breaker must show red: a few console refreshes. */
    private static final Duration RED_WITHIN = Duration.ofSeconds(20);
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NewOrder LUNCH = new NewOrder(1, "Ajanta",
            List.of(new LineItem("naan", 2, Money.euros("2.25"))));

    private static DemoProcesses demo;
    private static HeadlessChromium browser;
    private static HttpClient http;
    private static URI console;

    @BeforeAll
    static void start() throws IOException {
        Optional<Path> chromium = HeadlessChromium.executable();
        if (chromium.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("no chromium on the PATH, and CI=true (expected: apt-get install chromium)");
        }
        if (chromium.isEmpty()) {
            System.out.println("ConsoleDemoTest skipped: no chromium on the PATH (apt-get install chromium)");
        }
        Assumptions.assumeTrue(chromium.isPresent(), "chromium on the PATH");
        demo = DemoProcesses.start("kafka", 0, System.out);
        http = HttpClient.newHttpClient();
        console = demo.uri("order").resolve("/console/");
        browser = HeadlessChromium.start(chromium.get());
        // Orders, so that the order service has called both consumer instances (and has a breaker for each).
        OrderService orders = orders(PATIENCE);
        for (int i = 0; i < 4; i++) {
            orders.create(LUNCH);
        }
        browser.navigate(console);
        browser.awaitTrue(PATIENCE, String.join(" && ", java.util.Arrays.stream(DemoNode.CONSOLE_SERVICES)
                .map(s -> "document.querySelector('#node-" + s + "') !== null").toList())
                + " && document.querySelectorAll('#node-consumer .dot.up').length === 2");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (http != null) {
            http.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    @Order(1)
    void aDeadLetterOfTheDemoIsReplayedFromTheConsoleAndThenHandled() {
        String orderId = "no-card-" + UUID.randomUUID();
        Money total = Money.euros("4.50");
        // An OrderCreated with no card authorised for it: accounting's handler throws until there is one.
        try (Messaging m = Messaging.builder().name("console-demo-test").broker(demo.broker().broker())
                .codec(JsonCodec.create()).build()) {
            m.publish(new OrderCreated(orderId, 1, "Ajanta", total), orderId);
        }
        String row = "[...document.querySelectorAll('#dead-letters tr[data-dead-letter]')]"
                + ".find(r => r.textContent.includes('" + orderId + "'))";
        browser.evaluate("document.querySelector('button[data-tab=messaging]').click()");
        browser.awaitTrue(PATIENCE, row + " !== undefined && " + row + ".textContent.includes('accounting')"
                + " && " + row + ".textContent.includes('no authorization for order " + orderId + "')");
        browser.evaluate(row + ".scrollIntoView({block: 'center'})");
        browser.screenshot(SHOTS.resolve("demo-dead-letter.png"));

        AccountingService accounting = demo.client().client(AccountingService.class)
                .target("discovery:accounting?scheme=http").deadline(PATIENCE).build();
        accounting.authorize(new CardAuthorization(orderId, 1, total));
        assertThat(accounting.charges(1)).noneMatch(c -> c.orderId().equals(orderId));
        browser.evaluate(row + ".querySelector('button.replay').click()");
        browser.evaluate(row + ".querySelector('button.confirm').click()");
        browser.awaitTrue(PATIENCE, "document.querySelector('#dead-letter-result').dataset.result === 'replayed'");
        Await.until(PATIENCE, "accounting charged the replayed order",
                () -> accounting.charges(1).stream().anyMatch(c -> c.orderId().equals(orderId)));
        browser.awaitTrue(PATIENCE, row + " === undefined");
    }

    @Test
    @Order(2)
    void aStoppedInstanceTurnsItsNodeAndTheOrderServicesBreakerOnItRed() throws Exception {
        int port = demo.uri("consumer-2").getPort();
        String endpoint = awaitBreakerEndpoint(port);
        String breaker = "document.querySelector('#breakers tr[data-breaker=\"consumer " + endpoint + "\"]')";
        browser.evaluate("document.querySelector('button[data-tab=resilience]').click()");
        browser.awaitTrue(PATIENCE, breaker + ".dataset.state === 'closed'"
                + " && !document.querySelector('#node-consumer').classList.contains('down')");

        long pid = demo.node("consumer-2").process().pid();
        AtomicBoolean ordering = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        signal("STOP", pid);
        long stopped = System.nanoTime();
        try {
            // Impatient clients keep ordering: the checks sent to the hung instance run out of time.
            OrderService impatient = orders(Duration.ofMillis(500));
            for (int i = 0; i < 6; i++) {
                load.add(Thread.ofVirtual().name("impatient-orders-" + i).start(() -> {
                    while (ordering.get()) {
                        try {
                            impatient.create(LUNCH);
                        } catch (RuntimeException e) {
                            // expected: out of time while the check waits for the stopped instance
                        }
                    }
                }));
            }
            browser.awaitTrue(RED_WITHIN, breaker + ".dataset.state === 'open'"
                    + " && getComputedStyle(" + breaker + ".querySelector('td.state-open')).color === 'rgb(207, 34, 46)'"
                    + " && document.querySelector('#node-consumer').classList.contains('down')"
                    + " && document.querySelectorAll('#node-consumer .dot.down').length === 1"
                    + " && document.querySelectorAll('#node-consumer .dot.up').length === 1");
            System.out.printf("ConsoleDemoTest: consumer-2 and the breaker on it red %d ms after kill -STOP%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));
            browser.screenshot(SHOTS.resolve("demo-breaker-open.png"));
            browser.evaluate("document.querySelector('button[data-tab=topology]').click()");
            browser.screenshot(SHOTS.resolve("demo-instance-stopped.png"));
        } finally {
            ordering.set(false);
            for (Thread t : load) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            signal("CONT", pid);
        }
    }

    /** The endpoint (as the breaker's metrics name it) of the order service's breaker on {@code port}. */
    private static String awaitBreakerEndpoint(int port) {
        String[] found = {null};
        JsonNode[] last = {null};
        Await.until(PATIENCE, () -> "a breaker on port " + port + " in " + last[0], () -> {
            last[0] = state();
            for (JsonNode b : last[0].path("breakers")) {
                if (b.path("client").asText().equals("consumer") && URI.create(b.path("endpoint").asText()).getPort() == port) {
                    found[0] = b.path("endpoint").asText();
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static JsonNode state() {
        try {
            return JSON.readTree(http.send(HttpRequest.newBuilder(console.resolve("api/state")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return JSON.createObjectNode().put("error", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static OrderService orders(Duration deadline) {
        return demo.client().client(OrderService.class).target(demo.uri("order")).deadline(deadline).build();
    }

    /** Sends {@code SIG<name>} to {@code pid} with the system's {@code kill}. */
    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d", name, pid).isZero();
    }
}
