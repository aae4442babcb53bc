package io.courier.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's examples run as written. */
class ReadmeExampleTest {
    @Test
    void firstExamplePrintsTheGreeting() {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            Hello.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("Hello, Ada!" + System.lineSeparator());
    }

    @Test
    void curlLineOfTheReadmeGetsTheJson() throws Exception {
        try (Courier courier = Courier.builder().name("greeter-service").build();
             HttpClient http = HttpClient.newHttpClient()) {
            courier.serve(Hello.Greeter.class, name -> new Hello.Greeting("Hello, " + name + "!"));
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(courier.uri().resolve("/greetings/Ada")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"text\":\"Hello, Ada!\"}");
        }
    }

    @Test
    void readmeShowsTheExampleVerbatim() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        // The root README, not the demo's own: the directory that holds examples/.
        while (!Files.exists(root.resolve("README.md")) || !Files.isDirectory(root.resolve("examples"))) {
            root = root.getParent();
        }
        String readme = Files.readString(root.resolve("README.md"));
        String source = Files.readString(root.resolve("examples/ftgo/src/test/java/io/courier/examples/readme/Hello.java"));
        String body = source.substring(source.indexOf("public class Hello"));
        assertThat(readme).contains(body.strip());
    }
}
