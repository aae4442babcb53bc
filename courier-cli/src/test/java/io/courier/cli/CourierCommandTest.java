package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.backend.LocalDiscovery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CourierCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = CourierCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void instancesListsEveryInstanceWithHealthAndLeaseOrOneService() {
        try (LocalDiscovery local = LocalDiscovery.builder().directory(dir).build()) {
            local.register(ServiceInstance.of("inventory", "inv-1", List.of(URI.create("http://127.0.0.1:8081")))
                    .withMetadata(Map.of("zone", "eu-1")));
            local.register(ServiceInstance.of("billing", "bil-1", List.of(URI.create("http://127.0.0.1:8082")))
                    .withHealth(ServiceInstance.Health.DRAINING));

            assertThat(run("instances", "--dir", dir.toString())).isZero();
            String all = out.toString();
            assertThat(all.lines().findFirst().orElseThrow()).startsWith("SERVICE").contains("HEALTH", "LEASE", "URIS");
            assertThat(all).contains("billing", "DRAINING", "inventory", "inv-1", "UP", "live",
                    "http://127.0.0.1:8081", "eu-1");

            out.getBuffer().setLength(0);
            assertThat(run("instances", "inventory", "--dir", dir.toString())).isZero();
            assertThat(out.toString()).contains("inv-1").doesNotContain("bil-1");

            out.getBuffer().setLength(0);
            assertThat(run("instances", "nothing", "--dir", dir.toString())).isZero();
            assertThat(out.toString()).startsWith("No instances of nothing registered in " + dir);
        }
    }

    @Test
    void aMistakeExitsWithTwoAndSaysWhatWasExpected() {
        assertThat(run("instances", "a", "b", "--dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument").contains("Usage: courier instances");

        err.getBuffer().setLength(0);
        assertThat(run("bogus")).isEqualTo(2);
        assertThat(err.toString()).contains("bogus").contains("Usage: courier");

        err.getBuffer().setLength(0);
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("missing command (expected: one of [call, instances, publish, tail, contract, completion, help])");
    }

    @Test
    void helpListsEveryCommandAndEachHasHelpWithExamples() {
        assertThat(run("--help")).isZero();
        String help = out.toString();
        for (String command : new String[] {"call", "instances", "publish", "tail", "completion", "help"}) {
            assertThat(help).containsPattern("(?m)^  " + command + " ");
            out.getBuffer().setLength(0);
            if (!command.equals("help")) {
                assertThat(run(command, "--help")).isZero();
                assertThat(out.toString()).contains("Usage: courier " + command).contains("Examples:")
                        .doesNotContain("\u001B["); // no colours when not on a terminal
            }
        }
    }

    @Test
    void completionPrintsABashScriptKnowingTheCommandsAndOptions() {
        assertThat(run("completion")).isZero();
        assertThat(out.toString()).startsWith("#!/usr/bin/env bash").contains("complete -F", "courier")
                .contains("publish", "tail", "--from-beginning", "--target");
    }

    @Test
    void helpIsAnswerNotAMistake() {
        assertThat(run("instances", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: courier instances").contains("--dir=DIR");
    }
}
