package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.discovery.backend.LocalDiscovery;
import io.courier.test.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service process of the multi-process demo registers itself in the local discovery
 * directory it is given, and exits, deregistered, when its launcher goes: here, when the pipe
 * to its standard input closes, as it does when the launcher is killed.
 */
class DemoNodeTest {
    @TempDir
    Path dir;

    @Test
    void aServiceProcessRegistersItselfAndExitsWhenItsLauncherGoes() throws Exception {
        // A consumer instance needs neither the broker nor the database until a message or a
        // transaction: addresses where none answers will do.
        List<String> command = DemoProcesses.command("consumer-9", 0, "kafka=127.0.0.1:9",
                "jdbc:postgresql://127.0.0.1:9/none", dir);
        Path log = Files.createTempFile(dir, "consumer-9", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (LocalDiscovery discovery = LocalDiscovery.builder().directory(dir).build()) {
            Await.until(Duration.ofSeconds(60), "consumer-9 registered",
                    () -> discovery.entries("consumer").stream().anyMatch(e -> e.live()
                            && "consumer-9".equals(e.instance().metadata().get("instance")) && e.pid() == p.pid()),
                    () -> "its log: " + read(log));

            p.getOutputStream().close(); // what the launcher's end does to the pipe

            Await.until(Duration.ofSeconds(30), "consumer-9 exited", () -> !p.isAlive(), () -> "its log: " + read(log));
            assertThat(p.exitValue()).as(read(log)).isZero();
            assertThat(discovery.entries("consumer")).as("leases left").isEmpty();
            assertThat(read(log)).contains("the launcher has gone: exiting");
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
