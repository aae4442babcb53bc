package io.courier.messaging.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.Replies;
import io.courier.messaging.conformance.TwoJvmContract.Noted;
import io.courier.messaging.conformance.TwoJvmContract.Placed;
import io.courier.messaging.conformance.TwoJvmContract.QuoteAsk;
import io.courier.messaging.conformance.TwoJvmContract.QuoteGiven;
import io.courier.messaging.conformance.TwoJvmContract.Seen;
import io.courier.messaging.spi.MessageBroker;
import io.courier.test.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two services in two JVMs, configured with nothing but the broker's address, talk in all four
 * asynchronous styles: a command with a reply, a one-way command, publish/subscribe, and
 * scatter-gather. An adapter's subclass says how to reach its broker from this JVM and which
 * main class starts the second one (a class that opens the broker from its arguments and calls
 * {@link TwoJvmKitchen#serve}).
 */
public abstract class TwoJvmConformance {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** The broker this JVM's service uses, for the run {@code run}; the subclass closes it. */
    protected abstract MessageBroker broker(String run) throws Exception;

    /** The main class of the second JVM. */
    protected abstract Class<?> kitchenMain();

    /** The arguments of {@link #kitchenMain()}: the broker's address, and {@code run}, last. */
    protected abstract List<String> kitchenArguments(String run);

    /** Options of the second JVM (log levels, say). */
    protected List<String> jvmOptions() {
        return List.of();
    }

    @Test
    void twoProcessesTalkInEveryAsyncStyle() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        MessageBroker broker = broker(run);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), kitchenMain().getName()));
        command.addAll(kitchenArguments(run));
        Process kitchen = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (Messaging orders = Messaging.builder().name("orders").broker(broker)
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
