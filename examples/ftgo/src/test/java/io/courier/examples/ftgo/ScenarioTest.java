package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.test.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's scenario, as {@code ./courier demo --once} runs it, on free ports. */
class ScenarioTest {
    @Test
    void everyStepOfTheDemoWorks() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        boolean ok;
        try (LogCapture log = LogCapture.start()) {
            try (DemoSystem system = DemoSystem.start(0)) {
                ok = new Scenario(system, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
            }
            // The failover step stops an instance on purpose: its clients may say so once per
            // endpoint at WARN, and nothing logs an ERROR or a stack trace.
            assertThat(log.lines("WARN")).as("%s", log).doesNotHaveDuplicates()
                    .allSatisfy(line -> assertThat(line).contains(": connection lost ("));
            assertThat(log.lines("ERROR")).as("%s", log).isEmpty();
            assertThat(log.stackTraceLines()).as("%s", log).isEmpty();
        }
        String report = printed.toString(StandardCharsets.UTF_8);
        List<String> lines = report.lines().toList();
        assertThat(lines).as(report).hasSize(17).last().isEqualTo("All steps worked.");
        assertThat(lines.subList(0, lines.size() - 1)).as(report).allMatch(line -> line.startsWith("  ok   "));
        assertThat(report).contains(
                "sync over gRPC: order-service checked the consumer",
                "validateOrder went to consumer-",
                "authorization A-",
                "ticket T-",
                "courier-anna 4.50, courier-ben 3.90, courier-chloe 5.20 -> courier-ben",
                "accounting charged 17.00 EUR",
                "is on its way with courier-ben",
                "NotFoundException: consumer 99 does not exist",
                "FailedPreconditionException, limit 30.00",
                "400 {",
                "validations per instance {consumer-1=2, consumer-2=2, consumer-3=2}",
                "failed (UnavailableException) and were retried on another instance",
                "checks went to consumer-1 and consumer-3 only");
        assertThat(ok).as(report).isTrue();
    }
}
