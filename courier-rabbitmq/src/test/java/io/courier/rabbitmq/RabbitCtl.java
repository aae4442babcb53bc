package io.courier.rabbitmq;

import io.courier.test.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code rabbitmqctl} on the machine's RabbitMQ, for the tests that take the broker away. It
 * must run as a user that may control the node (root or the broker's own user, who can read
 * its Erlang cookie); without it such a test is skipped, or fails with {@code CI=true}.
 */
final class RabbitCtl {
    private RabbitCtl() {
    }

    /** Runs {@code rabbitmqctl args...} and fails the test if it does not succeed within a minute. */
    static void run(String... args) throws IOException, InterruptedException {
        output(args);
    }

    /** Runs {@code rabbitmqctl args...} as {@link #run} does, and returns what it printed. */
    static String output(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            String notice = "rabbitmqctl is not available here (" + e.getMessage() + "); this test needs it";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(notice + " (required with CI=true)", e);
            }
            abort(notice);
            return "";
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within 60 s");
        }
        assertThat(p.exitValue()).as(command + ": " + new String(out)).isZero();
        return new String(out);
    }

    /**
     * Skips the test unless stopping the machine's broker for a few seconds is allowed: with
     * {@code CI=true} (CI runs one build at a time) or {@code RABBITMQ_RESTART_TEST=true}. Where
     * several builds share one RabbitMQ, a restart would fail the others' tests.
     */
    static void requireRestartAllowed() {
        if (!"true".equals(System.getenv("CI")) && !"true".equals(System.getenv("RABBITMQ_RESTART_TEST"))) {
            abort("restarting the shared RabbitMQ is allowed only with CI=true or RABBITMQ_RESTART_TEST=true");
        }
    }

    /** Starts the broker application again and waits until it accepts connections. */
    static void startApp() throws IOException, InterruptedException {
        run("start_app");
        Await.until(Duration.ofSeconds(60), "RabbitMQ to listen again on " + LocalRabbit.HOST + ":" + LocalRabbit.PORT,
                RabbitCtl::listening);
    }

    /** Whether something accepts connections on the broker's port. */
    static boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LocalRabbit.HOST, LocalRabbit.PORT), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
