package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./courier demo --once} as people run it: on a Kafka broker embedded in the JVM, every
 * step of the scenario works and the status is 0; a broker that does not exist is a clear error.
 */
class DemoCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... options) throws Exception {
        return Demo.run(List.of(options), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void onceRunsEveryStepOnEmbeddedKafka() throws Exception {
        int status = run("--once");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("on Kafka embedded at 127.0.0.1:").contains("All steps worked.").doesNotContain("FAIL ");
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
