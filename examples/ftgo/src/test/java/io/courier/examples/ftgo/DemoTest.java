package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code ./courier demo} prints for people to try works as printed. */
class DemoTest {
    @Test
    void printedGetLinesAnswer() throws Exception {
        try (DemoSystem system = DemoSystem.start(0); HttpClient http = HttpClient.newHttpClient()) {
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
    }
}
