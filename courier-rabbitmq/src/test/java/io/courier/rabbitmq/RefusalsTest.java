package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.courier.CourierException;
import io.courier.FailedPreconditionException;
import io.courier.PermissionDeniedException;
import io.courier.messaging.Message;
import io.courier.rabbitmq.internal.Names;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RabbitMQ's refusals, from the machine's broker, as Courier's typed errors naming what was
 * refused and what to do, never the client's bare "channel error; protocol method" text: a user
 * (made with {@code rabbitmqctl add_user} and deleted after) without the configure permission, one
 * that may not write to the channel's exchange, one without access to the virtual host, and a
 * partition queue another connection holds exclusively.
 */
class RefusalsTest {
    private static final String CHANNEL = "refused";
    private static final String GROUP = "g";
    private static final String PASSWORD = "courier-refusals";

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    private String user;

    @AfterEach
    void deleteUser() throws Exception {
        if (user != null) {
            RabbitCtl.run("delete_user", user);
        }
    }

    /** A user of the broker's default virtual host with these permissions (regular expressions), or none when null. */
    private RabbitConfig userWith(String configure, String write, String read) throws Exception {
        RabbitConfig.Builder config = rabbit.config(); // skips without a broker, before rabbitmqctl runs
        user = "courier-test-" + UUID.randomUUID().toString().substring(0, 8);
        RabbitCtl.run("add_user", user, PASSWORD);
        if (configure != null) {
            RabbitCtl.run("set_permissions", "-p", "/", user, configure, write, read);
        }
        return config.credentials(user, PASSWORD).build();
    }

    @Test
    void subscribingWithoutTheConfigurePermissionNamesTheUserTheExchangeAndThePermission() throws Exception {
        RabbitConfig config = userWith("^$", ".*", ".*");
        RabbitBroker broker = rabbit.broker(config);

        assertThatThrownBy(() -> broker.subscribe(CHANNEL, GROUP, d -> d.ack()))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("user '" + user + "'").hasMessageContaining("virtual host '/'")
                .hasMessageContaining("exchange '" + names(config).unrouted(CHANNEL) + "'")
                .hasMessageContaining("exchange.declare needs configure on the exchange")
                .hasMessageContaining("rabbitmqctl set_permissions -p / " + user)
                .hasMessageNotContaining("protocol method")
                .satisfies(e -> assertThat(((CourierException) e).retrySafe()).isFalse());
    }

    @Test
    void sendingWithoutTheWritePermissionOnTheExchangeNamesIt() throws Exception {
        // Enough to declare the channel (its alternate exchange and queue are written to), not to publish to it.
        RabbitConfig config = userWith(".*", ".*unrouted$", ".*");
        RabbitBroker broker = rabbit.broker(config);
        Message m = Message.builder().channel(CHANNEL).type("text").payload("m".getBytes(StandardCharsets.UTF_8)).build();

        assertThatThrownBy(() -> broker.send(m).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("sending to RabbitMQ exchange " + names(config).exchange(CHANNEL))
                .hasMessageContaining("user '" + user + "'")
                .hasMessageContaining("basic.publish needs write on the exchange")
                .satisfies(e -> assertThat(((CourierException) e).retrySafe()).isFalse());
    }

    @Test
    void aVirtualHostTheUserMayNotUseIsPermissionDeniedNotUnavailable() throws Exception {
        RabbitConfig config = userWith(null, null, null); // a user with no permission anywhere
        RabbitBroker broker = rabbit.broker(config);

        assertThatThrownBy(() -> broker.subscribe(CHANNEL, GROUP, d -> d.ack()))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("refused user '" + user + "' access to virtual host '/'")
                .hasMessageContaining("NOT_ALLOWED")
                .hasMessageContaining("RabbitConfig.virtualHost");
    }

    @Test
    void aPartitionQueueExclusiveToAnotherConnectionIsAFailedPreconditionNamingIt() throws Exception {
        RabbitConfig config = rabbit.config().build();
        RabbitBroker broker = rabbit.broker(config);
        String queue = names(config).partitionQueue(CHANNEL, GROUP, 0);
        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, false, true, true, null); // exclusive to this connection

            assertThatThrownBy(() -> broker.subscribe(CHANNEL, GROUP, d -> d.ack()))
                    .isInstanceOf(FailedPreconditionException.class)
                    .hasMessageContaining("RESOURCE_LOCKED").hasMessageContaining(queue)
                    .hasMessageContaining("exclusive to another connection")
                    .satisfies(e -> assertThat(((CourierException) e).retrySafe()).isFalse());
        }
    }

    private static Names names(RabbitConfig config) {
        return new Names(config.namespace(), config.partitions());
    }
}
