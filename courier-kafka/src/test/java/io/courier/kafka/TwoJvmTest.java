package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.kafka.TwoJvmContract.Noted;
import io.courier.kafka.TwoJvmContract.Placed;
import io.courier.kafka.TwoJvmContract.QuoteAsk;
import io.courier.kafka.TwoJvmContract.QuoteGiven;
import io.courier.kafka.TwoJvmContract.Seen;
import io.courier.messaging.Messaging;
import io.courier.messaging.Replies;
import io.courier.messaging.conformance.Poll;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two services in two JVMs, configured with nothing but the broker's address, talk in all four
 * asynchronous styles over Kafka: a command with a reply, a one-way command,
 * publish/subscribe, and scatter-gather.
 */
class TwoJvmTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void twoProcessesTalkInEveryAsyncStyle() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String servers = SharedKafka.bootstrapServers();

        Process kitchen = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=error",
                "-cp", System.getProperty("java.class.path"), TwoJvmKitchen.class.getName(),
                servers, run)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (KafkaBroker broker = KafkaBroker.create(KafkaConfig.builder().bootstrapServers(servers).build());
             Messaging orders = Messaging.builder().name("orders").broker(broker)
                .codec(JsonCodec.create()).timeout(PATIENCE).build()) {
            List<Noted> noted = new CopyOnWriteArrayList<>();
            List<Seen> seen = new CopyOnWriteArrayList<>();
            orders.subscribe("noted-" + run, Noted.class, "orders", noted::add);
            orders.subscribe("seen-" + run, Seen.class, "orders", seen::add);
            orders.respond(QuoteAsk.class, "orders-quotes", q -> new QuoteGiven("orders", ProcessHandle.current().pid()));
            BufferedReader out = new BufferedReader(new InputStreamReader(kitchen.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("the kitchen process started").isEqualTo("ready");
            long kitchenPid = kitchen.pid();
            TwoJvmContract commands = orders.commands(TwoJvmContract.class);

            assertThat(commands.prepare("soup").get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo("soup prepared by " + kitchenPid);

            commands.note("table 4 is late");
            Poll.until(PATIENCE, () -> "the note answered: " + noted, () -> !noted.isEmpty());
            assertThat(noted).containsExactly(new Noted("table 4 is late"));

            orders.publish("placed-" + run, new Placed("o-1"), "o-1");
            Poll.until(PATIENCE, () -> "the event seen: " + seen, () -> !seen.isEmpty());
            assertThat(seen).containsExactly(new Seen("o-1", kitchenPid));

            Replies<QuoteGiven> quotes = orders.scatter(new QuoteAsk("o-1"), QuoteGiven.class, 2, PATIENCE)
                    .get(PATIENCE.toMillis() * 2, TimeUnit.MILLISECONDS);
            assertThat(quotes.complete()).isTrue();
            assertThat(quotes.responders()).containsExactlyInAnyOrder("kitchen-quotes", "orders-quotes");
            assertThat(quotes.values()).contains(new QuoteGiven("kitchen", kitchenPid));
        } finally {
            kitchen.getOutputStream().close();
            if (!kitchen.waitFor(20, TimeUnit.SECONDS)) {
                kitchen.destroyForcibly();
            }
        }
        assertThat(kitchen.exitValue()).as("the kitchen process stopped cleanly").isZero();
    }
}
