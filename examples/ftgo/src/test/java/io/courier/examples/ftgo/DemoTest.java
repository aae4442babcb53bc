package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What {@code ./courier demo} prints for people to try works as printed, and what they may try besides. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoTest {
    private DemoSystem system;
    private HttpClient http;

    @BeforeAll
    void start() {
        system = DemoSystem.start(0);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    void stop() {
        http.close();
        system.close();
    }

    @Test
    void printedGetLinesAnswer() throws Exception {
        List<String> lines = Demo.tryLines(system);
        List<String> gets = lines.stream().filter(l -> l.matches("curl http://\\S+")).toList();
        assertThat(gets).hasSize(3);
        for (String line : gets) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(line.substring(5))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(line).isEqualTo(200);
        }
        assertThat(lines).anyMatch(l -> l.contains(system.orderService().resolve("/orders").toString()))
                .anyMatch(l -> l.startsWith("curl '" + system.uri("delivery") + "/quotes?order="));
    }

    @Test
    void anOrderThatMakesNoSenseIsRefusedNamingEachProblemAndNothingIsCharged() throws Exception {
        String charges = get(system.uri("accounting") + "/accounts/1/charges").body();

        assertRefused(order("\"naan\",\"quantity\":0,\"price\":{\"amount\":-2.25,\"currency\":\"EUR\"}"),
                "items[0].quantity: 0 (expected: from 1 to 99)",
                "items[0].price.amount: -2.25 (expected: from 0 to 10000, in cents at most)");
        assertRefused(order("\"naan\",\"quantity\":1,\"price\":{\"amount\":2.25,\"currency\":\"EURO\"}"),
                "items[0].price.currency: \\\"EURO\\\" (expected: three capital letters, such as EUR)");
        assertRefused(order("\"naan\",\"quantity\":1,\"price\":{\"amount\":2.25,\"currency\":\"EUR\"}},"
                        + "{\"dish\":\"rice\",\"quantity\":1,\"price\":{\"amount\":9,\"currency\":\"USD\"}"),
                "items[1].price.currency: USD (expected: EUR, the currency of the first line item)");
        assertRefused(order("\"naan\",\"quantity\":1,\"price\":{\"amount\":1e400,\"currency\":\"EUR\"}"),
                "items[0].price.amount: 1E+400 (expected: from 0 to 10000, in cents at most)");
        assertRefused(order("\"naan\",\"quantity\":1,\"price\":{\"amount\":2.255,\"currency\":\"EUR\"}"),
                "items[0].price.amount: 2.255");
        assertRefused(post("{\"consumerId\":1,\"restaurant\":\"Ajanta\",\"items\":[null]}"),
                "body order.items[0]: null (expected: a LineItem; an element of a list is never null)");

        assertThat(get(system.uri("accounting") + "/accounts/1/charges").body()).as("no card charged")
                .isEqualTo(charges);
        assertThat(order("\"naan\",\"quantity\":2,\"price\":{\"amount\":2.25,\"currency\":\"EUR\"}").statusCode())
                .as("a sensible order still goes through").isEqualTo(200);
    }

    private HttpResponse<String> order(String firstItemAfterDish) throws Exception {
        return post("{\"consumerId\":1,\"restaurant\":\"Ajanta\",\"items\":[{\"dish\":" + firstItemAfterDish + "}]}");
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(system.orderService().resolve("/orders"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, String... details) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("\"code\":\"INVALID_ARGUMENT\"").contains(details)
                .doesNotContain("Exception");
    }
}
