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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code rabbitmqctl} on the machine's RabbitMQ, for the tests that take the broker away. It
 * must run as a user that may control the node (root or the broker's own user, who can read
 * its Erlang cookie); without it such a test is skipped, or fails with {@code CI=true}.
 */
final class RabbitCtl {
    /** The TLS listeners of {@code ensure_rabbitmq_tls}: port, and whether a client certificate is required. */
    private static final Map<Integer, Boolean> TLS_LISTENERS = Map.of(5671, false, 5676, true);
    private static final Set<Integer> STOPPED_TLS_LISTENERS = ConcurrentHashMap.newKeySet();

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

    /**
     * Stops the broker application. The TLS listeners {@code .ci/run} starts in the running broker
     * ({@code ensure_rabbitmq_tls}: 5671, and 5676 requiring a client certificate) are not in its
     * configuration, so they would not come back with {@link #startApp}: the ones listening now
     * are noted here and started again there, for the TLS tests that run after.
     */
    static void stopApp() throws IOException, InterruptedException {
        TLS_LISTENERS.keySet().stream().filter(RabbitCtl::listening).forEach(STOPPED_TLS_LISTENERS::add);
        run("stop_app");
    }

    /**
     * Starts the broker application again, waits until it accepts connections, and starts again
     * the TLS listeners {@link #stopApp} found.
     */
    static void startApp() throws IOException, InterruptedException {
        run("start_app");
        Await.until(Duration.ofSeconds(60), "RabbitMQ to listen again on " + LocalRabbit.HOST + ":" + LocalRabbit.PORT,
                RabbitCtl::listening);
        for (int port : STOPPED_TLS_LISTENERS) {
            run("-q", "eval", startTlsListener(port, TLS_LISTENERS.get(port)));
            Await.until(Duration.ofSeconds(30), "RabbitMQ's TLS listener on " + port, () -> listening(port));
        }
        STOPPED_TLS_LISTENERS.clear();
    }

    /**
     * The listener {@code ensure_rabbitmq_tls} in {@code .ci/run} starts, as an Erlang expression:
     * both fill in the one template, {@code tls-listener.erl}.
     */
    private static String startTlsListener(int port, boolean certificateRequired) throws IOException {
        String dir = System.getenv().getOrDefault("COURIER_RABBITMQ_TLS_DIR", "/var/lib/rabbitmq/courier-tls");
        try (var in = RabbitCtl.class.getResourceAsStream("/tls-listener.erl")) {
            if (in == null) {
                throw new IOException("tls-listener.erl is not on the test class path");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("@DIR@", dir)
                    .replace("@HOST@", LocalRabbit.HOST)
                    .replace("@PORT@", Integer.toString(port))
                    .replace("@REQUIRED@", Boolean.toString(certificateRequired));
        }
    }

    /** Whether something accepts connections on the broker's port. */
    static boolean listening() {
        return listening(LocalRabbit.PORT);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LocalRabbit.HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
