package io.courier.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.Courier;
import io.courier.test.Await;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A console on the shop service, watching shop and two stock instances through discovery:
 * its state shows the instances, the gRPC calls and the events between them, a stopped
 * instance and the breaker that opened on it, and a dead letter that a confirmed replay gets
 * handled.
 */
class ConsoleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newHttpClient();
    private ShopSystem system;
    private Courier shop;
    private Shop client;
    private List<String> handled;

    @BeforeEach
    void start() {
        system = new ShopSystem();
        shop = system.shop;
        client = system.client;
        handled = system.handled;
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        system.close();
    }

    @Test
    void pageIsServedUnderItsPath() throws Exception {
        HttpResponse<String> redirect = get("/console");
        assertThat(redirect.statusCode()).isEqualTo(308);
        assertThat(redirect.headers().firstValue("location")).hasValue("/console/");
        HttpResponse<String> page = get("/console/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Courier console</title>", "new EventSource(\"api/events\")");
        HttpResponse<String> unknown = get("/console/api/nothing");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").asText()).contains("no console route GET /console/api/nothing");
    }

    @Test
    void eventsStreamTheState() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(shop.uri()
                .resolve("/console/api/events")).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
        try (var lines = r.body()) {
            // The state as it stands, then one per refresh: at least two within the patience.
            List<String> data = lines.filter(l -> l.startsWith("data: ")).limit(2).toList();
            assertThat(data).hasSize(2);
            assertThat(JSON.readTree(data.get(1).substring("data: ".length())).path("nodes").isArray()).isTrue();
        }
    }

    @Test
    void topologyShowsInstancesCallsAndEvents() throws Exception {
        // Rates and p99s are over the window: the calls must come after a first scrape of each instance.
        awaitState("shop and stock scraped", s -> node(s, "shop").path("up").asBoolean()
                && node(s, "stock").path("up").asBoolean());
        for (int i = 0; i < 6; i++) {
            assertThat(client.item("a" + i)).startsWith("a" + i + ":");
        }
        JsonNode state = awaitState("the gRPC edge and the event edges carry the calls", s ->
                edge(s, "shop", "stock", "gRPC") != null && edge(s, "shop", "Restocked", "event") != null
                        && edge(s, "Restocked", "stock", "event") != null
                        && edge(s, "shop", "stock", "gRPC").path("total").asDouble() == 6
                        && edge(s, "Restocked", "stock", "event").path("total").asDouble() == 6
                        && edge(s, "shop", "stock", "gRPC").has("p99Ms"));
        assertThat(node(state, "shop").path("up").asBoolean()).isTrue();
        assertThat(node(state, "stock").path("up").asBoolean()).isTrue();
        assertThat(node(state, "stock").path("instances").findValuesAsText("id")).containsExactly("stock-1", "stock-2");
        assertThat(node(state, "Restocked").path("kind").asText()).isEqualTo("channel");
        JsonNode grpc = edge(state, "shop", "stock", "gRPC");
        assertThat(grpc.path("errorRate").asDouble()).isZero();
        assertThat(grpc.has("p99Ms")).as("p99 of %s", grpc).isTrue();
        assertThat(grpc.path("rate").asDouble()).isPositive();
        assertThat(edge(state, "client", "shop", "REST")).isNull(); // the client is not watched
        JsonNode group = StreamSupport.stream(state.path("groups").spliterator(), false)
                .filter(g -> g.path("channel").asText().equals("Restocked")).findFirst().orElseThrow();
        assertThat(group.path("group").asText()).isEqualTo("stock");
    }

    @Test
    void stoppedInstanceAndItsBreakerTurnRed() throws Exception {
        client.item("warm");
        awaitState("both stock instances up", s -> node(s, "stock").path("up").asBoolean());
        system.stock2.close();
        for (int i = 0; i < 6; i++) {
            client.item("b" + i); // retries take them to stock-1; stock-2's breaker opens
        }
        JsonNode state = awaitState("stock-2 down and its breaker open", s -> !node(s, "stock").path("up").asBoolean()
                && breakers(s).stream().anyMatch(b -> b.path("state").asText().equals("open")));
        JsonNode instance2 = StreamSupport.stream(node(state, "stock").path("instances").spliterator(), false)
                .filter(i -> i.path("id").asText().equals("stock-2")).findFirst().orElseThrow();
        assertThat(instance2.path("up").asBoolean()).isFalse();
        assertThat(instance2.path("problem").asText()).contains("scrape failed");
        assertThat(breakers(state)).filteredOn(b -> b.path("state").asText().equals("open")).singleElement()
                .satisfies(b -> assertThat(b.path("opened").asInt()).isEqualTo(1));
    }

    @Test
    void instanceThatLeftDiscoveryStaysDrawnDown() throws Exception {
        awaitState("both stock instances up", s -> node(s, "stock").path("up").asBoolean()
                && node(s, "stock").path("instances").size() == 2);
        system.delistStock2();
        JsonNode state = awaitState("stock-2 drawn down after leaving discovery", s -> !node(s, "stock").path("up").asBoolean());
        JsonNode instance2 = StreamSupport.stream(node(state, "stock").path("instances").spliterator(), false)
                .filter(i -> i.path("id").asText().equals("stock-2")).findFirst().orElseThrow();
        assertThat(instance2.path("up").asBoolean()).isFalse();
        assertThat(instance2.path("health").asText()).isEqualTo("DOWN");
        assertThat(instance2.path("problem").asText()).isEqualTo("left discovery");
    }

    @Test
    void deadLetterIsReplayedOnlyWhenConfirmedAndIsThenHandled() throws Exception {
        client.item("poison");
        JsonNode state = awaitState("the poison event dead-lettered", s -> s.path("deadLetters").size() == 1);
        JsonNode letter = state.path("deadLetters").get(0);
        assertThat(letter.path("channel").asText()).isEqualTo("Restocked");
        assertThat(letter.path("group").asText()).isEqualTo("stock");
        assertThat(letter.path("reason").asText()).contains("cannot restock poison yet");
        assertThat(letter.path("payload").asText()).contains("poison");
        String id = letter.path("id").asText();
        awaitState("the dead letter counted by the consumer that gave up", s -> {
            double retries = 0;
            for (JsonNode c : s.path("consumers")) {
                retries += c.path("deadLettersRetries").asDouble();
            }
            return retries == 1 && s.path("consumers").size() == 2;
        });

        HttpResponse<String> unconfirmed = post("/console/api/dead-letters/replay?id=" + id, null);
        assertThat(unconfirmed.statusCode()).isEqualTo(428);
        assertThat(handled).doesNotContain("poison");

        system.fixPoison();
        HttpResponse<String> replayed = post("/console/api/dead-letters/replay?id=" + id, "replay");
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        Await.until(PATIENCE, "the replayed event handled", () -> handled.contains("poison"));
        awaitState("the dead letter gone from the console", s -> s.path("deadLetters").isEmpty());
        assertThat(post("/console/api/dead-letters/replay?id=" + id, "replay").statusCode()).isEqualTo(404);
    }

    @Test
    void contractAndTryCall() throws Exception {
        awaitState("stock scraped", s -> node(s, "stock").path("up").asBoolean());
        HttpResponse<String> contract = get("/console/api/contract?service=stock");
        assertThat(contract.statusCode()).as(contract.body()).isEqualTo(200);
        assertThat(JSON.readTree(contract.body()).path("openapi").path("paths").has("/stock/{sku}")).isTrue();

        HttpResponse<String> tried = post("/console/api/try", null,
                "{\"service\":\"stock\",\"method\":\"get\",\"path\":\"/stock/x\"}");
        assertThat(tried.statusCode()).as(tried.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(tried.body());
        assertThat(answer.path("status").asInt()).isEqualTo(200);
        assertThat(answer.path("body").asText()).isIn("7", "8");

        HttpResponse<String> bad = post("/console/api/try", null, "{\"service\":\"stock\",\"method\":\"TRACE\",\"path\":\"x\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(get("/console/api/contract?service=nothing").statusCode()).isEqualTo(404);
    }

    private JsonNode awaitState(String what, java.util.function.Predicate<JsonNode> condition) throws Exception {
        JsonNode[] last = {null};
        Await.until(PATIENCE, what, () -> {
            try {
                last[0] = JSON.readTree(get("/console/api/state").body());
            } catch (Exception e) {
                return false;
            }
            return last[0].has("nodes") && condition.test(last[0]);
        }, () -> String.valueOf(last[0]));
        return last[0];
    }

    private static JsonNode node(JsonNode state, String id) {
        for (JsonNode n : state.path("nodes")) {
            if (n.path("id").asText().equals(id)) {
                return n;
            }
        }
        return JSON.createObjectNode();
    }

    private static JsonNode edge(JsonNode state, String from, String to, String style) {
        for (JsonNode e : state.path("edges")) {
            if (e.path("from").asText().equals(from) && e.path("to").asText().equals(to)
                    && e.path("style").asText().equals(style)) {
                return e;
            }
        }
        return null;
    }

    private static List<JsonNode> breakers(JsonNode state) {
        return StreamSupport.stream(state.path("breakers").spliterator(), false).toList();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(shop.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String confirm) throws Exception {
        return post(path, confirm, "");
    }

    private HttpResponse<String> post(String path, String confirm, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(shop.uri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (confirm != null) {
            b.header("x-courier-confirm", confirm);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
