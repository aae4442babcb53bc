package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.messaging.Message;
import io.courier.test.Await;
import io.courier.test.TcpRelay;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code RabbitBroker.notReady()}, what readiness probes read, on the machine's RabbitMQ reached
 * through a relay that cuts the connections: ready while connected, not ready once they are lost,
 * ready again once the broker has reconnected by itself; a closed broker says so.
 */
class ReadinessTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @Test
    void notReadyOnceTheConnectionsAreLostThenReadyAgain() {
        try (TcpRelay relay = TcpRelay.to(new InetSocketAddress(LocalRabbit.HOST, LocalRabbit.PORT))) {
            RabbitBroker broker = rabbit.broker(rabbit.config().port(relay.port()).build());
            assertThat(broker.notReady()).as("nothing opened yet").isEmpty();
            broker.subscribe("ready", "g", d -> d.ack());
            broker.send(Message.builder().channel("ready").type("text")
                    .payload("m".getBytes(StandardCharsets.UTF_8)).build()).join();
            assertThat(broker.notReady()).isEmpty();

            assertThat(relay.cut()).as("connections cut").isPositive();
            Await.until(PATIENCE, () -> "not ready once cut: " + broker.notReady(), () -> broker.notReady().isPresent());
            assertThat(broker.notReady().orElseThrow()).contains("connection to " + LocalRabbit.HOST + ":" + relay.port() + " lost");

            Await.until(PATIENCE, () -> "ready once reconnected: " + broker.notReady(), () -> broker.notReady().isEmpty());
            broker.send(Message.builder().channel("ready").type("text")
                    .payload("again".getBytes(StandardCharsets.UTF_8)).build()).join();

            broker.close();
            assertThat(broker.notReady()).isEqualTo(Optional.of("closed"));
        }
    }
}
