package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.courier.test.Await;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./courier demo --once} as people run it: each service instance in a child JVM, on a
 * Kafka broker embedded in the launcher and the demo's PostgreSQL database, every step of the
 * scenario works (the kill of a consumer process and the relay restart included, nothing lost)
 * and the status is 0, and no child outlives the run; a broker that does not exist, or one that
 * cannot cross processes, is a clear error.
 */
class DemoCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... options) throws Exception {
        return Demo.run(List.of(options), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void onceRunsEveryStepInSeparateProcessesOnEmbeddedKafka() throws Exception {
        int status = run("--once");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("on Kafka embedded at 127.0.0.1:", "and local discovery (8 processes)")
                .contains("All steps worked.").doesNotContain("FAIL ");
        List<String> steps = printed.lines().filter(l -> l.startsWith("  ok   ")).toList();
        assertThat(steps).as(printed).hasSize(18);
        assertThat(printed).as(printed).contains(
                "attempts so far {consumer-",
                "authorization A-",
                "from kitchen-",
                "courier-anna 4.50, courier-ben 3.90, courier-chloe 5.20 -> courier-ben",
                "handled by {accounting=accounting, kitchen=kitchen-",
                "is on its way with courier-ben",
                "APPROVED -> HANDLED_BY_",
                "4 events, text/event-stream",
                "same order from h2c://127.0.0.1:",
                "NotFoundException: consumer 99 does not exist",
                "FailedPreconditionException, limit 30.00: ",
                "validations per instance {consumer-1=3, consumer-2=3}",
                "16 orders placed across the kill of pid ",
                "none failed;",
                "consumer-2 left discovery ",
                "5 events waited in the outbox while the relay was down; the new relay delivered them all to the 3 groups");
        // After the kill, the checks end on the instance left; every order's event reached each group once.
        assertThat(printed).containsPattern("the checks of the next \\d+ orders went to \\{consumer-1 ok=")
                .containsPattern("(\\d+) orders accepted and saved, 0 failed; accounting \\1 orders/\\1 handlings, "
                        + "kitchen \\1 orders/\\1 handlings, notification \\1 orders/\\1 handlings; outbox empty: true");
        // The summary: a line per style with its count, and the start-up time and memory.
        assertThat(printed).containsPattern("request/response, REST +orders created \\(client -> order\\) +\\d+ ")
                .containsPattern("request/response, gRPC \\+ discovery +consumer checks .* +\\d+ .*attempts at the killed consumer-2 retried")
                .containsPattern("command with reply, broker +CreateTicket .* +\\d+ ")
                .containsPattern("scatter-gather, broker +delivery quotes .* +\\d+ ")
                .containsPattern("event, outbox \\+ relay \\+ inbox +OrderCreated \\(order -> 3 groups\\) +\\d+ .*5 events held over a relay restart")
                .containsPattern("one-way command, broker +notices .* +\\d+ ")
                .containsPattern("server stream, gRPC +order status .* +1 ")
                .containsPattern("server stream, SSE +order status .* +1 ")
                .containsPattern("Start-up: \\d+\\.\\d s to engines up and 8 services registered, using \\d+\\.\\d s of CPU in all")
                .containsPattern("Memory: \\d+ MB resident in 8 processes");
        // Every child is gone once the launcher has returned.
        List<Long> pids = Pattern.compile("  \\S+ +http://127\\.0\\.0\\.1:\\d+  pid (\\d+)").matcher(printed).results()
                .map(m -> Long.parseLong(m.group(1))).toList();
        assertThat(pids).hasSize(8);
        Await.until(Duration.ofSeconds(30), "every child process gone",
                () -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)),
                () -> "alive: " + pids.stream().filter(pid -> ProcessHandle.of(pid).isPresent()).toList());
    }

    @Test
    void theInMemoryBrokerIsRefusedAcrossProcessesNamingTheWayOut() throws Exception {
        assertThat(run("--once", "--broker", "memory")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--broker memory: the in-memory broker cannot carry "
                + "messages between processes").contains("--single-jvm");
    }

    @Test
    void aDatabaseThatIsNotPostgresqlIsAClearError() throws Exception {
        assertThat(run("--once", "--db", "jdbc:mariadb://127.0.0.1:3306/test")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--db jdbc:mariadb://127.0.0.1:3306/test (expected: "
                + "jdbc:postgresql://HOST:PORT/DATABASE");
    }

    @Test
    void singleJvmRunsTheScenarioInOneJvmOnTheInMemoryBroker() throws Exception {
        int status = run("--once", "--single-jvm", "--broker", "memory");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("on the in-memory broker and static discovery").contains("All steps worked.");
    }

    @Test
    void anUnknownBrokerIsAClearError() throws Exception {
        assertThat(run("--once", "--broker", "carrier-pigeon")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--broker carrier-pigeon (expected: kafka, kafka=HOST:PORT, rabbitmq=HOST:PORT or memory)");
    }

    @Test
    void aBrokerPortThatIsNotANumberNamesTheExpectedForm() throws Exception {
        assertThat(run("--once", "--broker", "rabbitmq=127.0.0.1:x")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--broker rabbitmq=127.0.0.1:x: port \"x\" "
                + "(expected: rabbitmq=HOST:PORT, the port a number from 1 to 65535)").doesNotContain("For input string");
    }

    @Test
    void anUnknownOptionIsAUsageError() throws Exception {
        assertThat(run("--loud")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option: --loud");
    }
}
