package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.Replies;
import io.courier.rabbitmq.TwoJvmContract.Noted;
import io.courier.rabbitmq.TwoJvmContract.Placed;
import io.courier.rabbitmq.TwoJvmContract.QuoteAsk;
import io.courier.rabbitmq.TwoJvmContract.QuoteGiven;
import io.courier.rabbitmq.TwoJvmContract.Seen;
import io.courier.test.Await;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two services in two JVMs, configured with nothing but the broker's address, talk in all four
 * asynchronous styles over RabbitMQ: a command with a reply, a one-way command,
 * publish/subscribe, and scatter-gather.
 */
class TwoJvmTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @Test
    void twoProcessesTalkInEveryAsyncStyle() throws Exception {
        LocalRabbit.require();
        String run = UUID.randomUUID().toString().substring(0, 8);
        RabbitConfig config = RabbitConfig.builder().host(LocalRabbit.HOST).port(LocalRabbit.PORT).build();
        rabbit.deleteGroupAfter(config, Messaging.commandChannel(TwoJvmContract.class), "courier-two-jvm-kitchen");
        rabbit.deleteGroupAfter(config, "placed-" + run, "kitchen");
        rabbit.deleteGroupAfter(config, Messaging.channelOf(QuoteAsk.class), "kitchen-quotes");

        Process kitchen = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TwoJvmKitchen.class.getName(),
                LocalRabbit.HOST, Integer.toString(LocalRabbit.PORT), run)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (Messaging orders = Messaging.builder().name("orders").broker(rabbit.broker(config))
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
            Await.until(PATIENCE, () -> "the note answered: " + noted, () -> !noted.isEmpty());
            assertThat(noted).containsExactly(new Noted("table 4 is late"));

            orders.publish("placed-" + run, new Placed("o-1"), "o-1");
            Await.until(PATIENCE, () -> "the event seen: " + seen, () -> !seen.isEmpty());
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
