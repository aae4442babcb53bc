package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's scenario, as {@code ./courier demo --once} runs it, on free ports. */
class ScenarioTest {
    @Test
    void everyStepOfTheDemoWorks() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        boolean ok;
        try (DemoSystem system = DemoSystem.start(0, 0)) {
            ok = new Scenario(system, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        }
        String report = printed.toString(StandardCharsets.UTF_8);
        assertThat(report).doesNotContain("FAIL").contains("All steps worked.");
        assertThat(ok).as(report).isTrue();
    }
}
