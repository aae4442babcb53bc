package io.courier.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import io.courier.CourierException;
import io.courier.UnavailableException;
import io.courier.test.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The refusals that close a connection rather than a channel: a connection the broker closed
 * (CONNECTION_FORCED, from the machine's RabbitMQ through {@code rabbitmqctl close_connection})
 * and RabbitMQ's internal error (built as the client builds it from the broker's answer) are
 * retry-safe {@link UnavailableException}s that say what happened.
 */
class RefusalsTest {
    private static final String HOST = System.getenv().getOrDefault("RABBITMQ_HOST", "127.0.0.1");
    private static final int PORT = Integer.parseInt(System.getenv().getOrDefault("RABBITMQ_PORT", "5672"));

    @Test
    void aConnectionTheBrokerClosedIsUnavailableAndRetrySafe() throws Exception {
        requireBroker();
        String name = "courier-refusals-" + UUID.randomUUID();
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(PORT);
        f.setAutomaticRecoveryEnabled(false);
        Connection c = f.newConnection(name);
        try {
            Channel ch = c.createChannel();
            rabbitmqctl("close_connection", pidOf(name), "closed by an operator");
            Await.until(Duration.ofSeconds(30), "the connection closed by the broker", () -> !c.isOpen());
            Exception refused = null;
            try {
                ch.queueDeclarePassive("anything");
            } catch (IOException | RuntimeException e) {
                refused = e;
            }
            assertThat(refused).isInstanceOf(ShutdownSignalException.class);
            assertThat(Refusals.code(refused)).isEqualTo(AMQP.CONNECTION_FORCED);

            CourierException mapped = Refusals.of(refused, "declaring RabbitMQ exchanges and queues", "guest", "/");
            assertThat(mapped).isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("RabbitMQ closed the connection").hasMessageContaining("CONNECTION_FORCED")
                    .hasMessageContaining("closed by an operator").hasMessageContaining("retry");
            assertThat(mapped.retrySafe()).isTrue();
        } finally {
            c.abort(); // closed by the broker already: nothing to wait for
        }
    }

    @Test
    void anInternalErrorOfTheBrokerIsUnavailableAndRetrySafe() {
        ShutdownSignalException signal = new ShutdownSignalException(true, false,
                new AMQImpl.Connection.Close(AMQP.INTERNAL_ERROR, "INTERNAL_ERROR", 0, 0), null);

        CourierException mapped = Refusals.of(new IOException(signal), "declaring RabbitMQ exchanges and queues", "guest", "/");

        assertThat(mapped).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("RabbitMQ closed the connection (INTERNAL_ERROR)");
        assertThat(mapped.retrySafe()).isTrue();
    }

    private static void requireBroker() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, PORT), 1_000);
        } catch (IOException e) {
            Assumptions.abort("no RabbitMQ at " + HOST + ":" + PORT);
        }
    }

    /** The process id rabbitmqctl knows the connection named {@code name} by. */
    private static String pidOf(String name) throws Exception {
        for (String line : rabbitmqctl("-q", "list_connections", "pid", "client_properties").split("\n")) {
            if (line.contains(name)) {
                return line.substring(0, line.indexOf('\t'));
            }
        }
        throw new AssertionError("no connection named " + name + " in rabbitmqctl list_connections");
    }

    private static String rabbitmqctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            Assumptions.abort("rabbitmqctl is not available here (" + e.getMessage() + ")");
            return "";
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(command + " finished").isTrue();
        assertThat(p.exitValue()).as(command + ": " + out).isZero();
        return out;
    }
}
