package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.courier.FailedPreconditionException;
import io.courier.UnavailableException;
import io.courier.messaging.Message;
import io.courier.messaging.spi.MessageBroker;
import io.courier.rabbitmq.internal.Names;
import io.courier.test.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a running subscriber does when an operator or another tool changes the topology under
 * it, on the machine's RabbitMQ: a group's partition queues deleted, the channel's exchange
 * deleted (and declared again by a publisher in another process, without the group's
 * bindings), the members queue deleted, a queue purged, and a partition queue declared again by
 * another tool with other arguments. In each case the subscriber declares what is missing
 * again and every message sent after the change is handled, or, when it cannot, says so in
 * readiness while its other partitions go on.
 */
class TopologyChangeTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String CHANNEL = "topo";
    private static final String GROUP = "g";

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    private final Set<String> handled = ConcurrentHashMap.newKeySet();

    @Test
    void partitionQueuesDeletedWhileConsumingAreDeclaredAgain() throws Exception {
        RabbitConfig config = rabbit.config().build();
        RabbitBroker broker = rabbit.broker(config);
        broker.subscribe(CHANNEL, GROUP, d -> {
            handled.add(d.message().id());
            d.ack();
        });
        sendAndAwait(broker, "before", 20);

        Names names = names(config);
        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            for (int p = 0; p < config.partitions(); p++) {
                ch.queueDelete(names.partitionQueue(CHANNEL, GROUP, p));
            }
        }

        sendAndAwait(broker, "after", 40);
        Await.until(PATIENCE, () -> "ready again: " + broker.notReady(), () -> broker.notReady().isEmpty());
    }

    @Test
    void exchangeDeletedAndDeclaredAgainByAnotherPublisherIsBoundAgain() throws Exception {
        RabbitConfig config = rabbit.config().build();
        RabbitBroker subscriber = rabbit.broker(config);
        RabbitBroker publisher = rabbit.broker(config); // another service: its own connections and declarations
        subscriber.subscribe(CHANNEL, GROUP, d -> {
            handled.add(d.message().id());
            d.ack();
        });
        sendAndAwait(publisher, "before", 20);

        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            ch.exchangeDelete(names(config).exchange(CHANNEL)); // and with it, every binding of the group
        }

        // The publisher's first send finds the exchange missing and fails retry-safe; the next declares it again.
        sendAndAwait(publisher, "after", 40);
    }

    /**
     * The bindings vanish while nothing else changes: the first message sent after, which reaches
     * the unrouted queue, is what the member notices (its watch of the unrouted messages), not
     * its occasional look at the topology, due only some 30 ticks (here 15 s, at least 12 s)
     * after it joined.
     */
    @Test
    void bindingsRemovedAreNoticedFromTheFirstUnroutedMessage() throws Exception {
        RabbitConfig config = rabbit.config().rebalanceInterval(Duration.ofMillis(500)).build();
        RabbitBroker broker = rabbit.broker(config);
        long joined = System.nanoTime();
        broker.subscribe(CHANNEL, GROUP, d -> {
            handled.add(d.message().id());
            d.ack();
        });
        Names names = names(config);
        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            for (int p = 0; p < config.partitions(); p++) {
                ch.queueUnbind(names.partitionQueue(CHANNEL, GROUP, p), names.exchange(CHANNEL), Integer.toString(p));
            }
        }

        broker.send(Message.builder().id("unbound").channel(CHANNEL).type("text").partitionKey("k")
                .payload(new byte[1]).build()).join();
        Await.until(Duration.ofSeconds(10).minusNanos(System.nanoTime() - joined),
                "handled the message sent while the group was unbound, well before an occasional look",
                () -> handled.contains("unbound"));
        sendAndAwait(broker, "after", 10);
    }

    @Test
    void unroutedQueueDeletedAloneIsDeclaredAgain() throws Exception {
        RabbitConfig config = rabbit.config().build();
        RabbitBroker broker = rabbit.broker(config);
        broker.subscribe(CHANNEL, GROUP, d -> {
            handled.add(d.message().id());
            d.ack();
        });
        String unrouted = names(config).unrouted(CHANNEL);
        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            ch.queueDelete(unrouted);
        }

        // Nothing sent meanwhile is lost, so no event says so: the member's occasional look finds it.
        Await.until(PATIENCE, "the unrouted queue declared again", () -> {
            try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
                ch.queueDeclarePassive(unrouted);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        sendAndAwait(broker, "after", 10);
    }

    @Test
    void membersQueueDeletedIsDeclaredAgainAndTheMemberKeepsConsuming() throws Exception {
        RabbitConfig config = rabbit.config().build();
        RabbitBroker broker = rabbit.broker(config);
        broker.subscribe(CHANNEL, GROUP, d -> {
            handled.add(d.message().id());
            d.ack();
        });
        sendAndAwait(broker, "before", 10);
        String membersQueue = names(config).membersQueue(CHANNEL, GROUP);

        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            ch.queueDelete(membersQueue);
        }

        Await.until(PATIENCE, "the members queue declared again, with this member consuming it", () -> {
            try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
                return ch.queueDeclarePassive(membersQueue).getConsumerCount() == 1;
            } catch (Exception e) {
                return false;
            }
        });
        sendAndAwait(broker, "after", 20);
    }

    @Test
    void queuePurgedWhileConsumingLosesOnlyWhatWasPurged() throws Exception {
        RabbitConfig config = rabbit.config().build();
        RabbitBroker broker = rabbit.broker(config);
        broker.subscribe(CHANNEL, GROUP, d -> {
            handled.add(d.message().id());
            d.ack();
        });
        sendAndAwait(broker, "before", 10);

        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            for (int p = 0; p < config.partitions(); p++) {
                ch.queuePurge(names(config).partitionQueue(CHANNEL, GROUP, p));
            }
        }

        sendAndAwait(broker, "after", 20);
        assertThat(broker.notReady()).isEmpty();
    }

    @Test
    void partitionQueueDeclaredAgainWithOtherArgumentsIsReportedWhileTheOtherPartitionsGoOn() throws Exception {
        RabbitConfig config = rabbit.config().partitions(2).build();
        RabbitBroker broker = rabbit.broker(config);
        broker.subscribe(CHANNEL, GROUP, d -> {
            handled.add(d.message().id());
            d.ack();
        });
        sendAndAwait(broker, "before", 10);
        String queue = names(config).partitionQueue(CHANNEL, GROUP, 1);

        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            ch.queueDelete(queue);
            ch.queueDeclare(queue, true, false, false, Map.of("x-max-length", 10)); // another tool's idea of it
        }

        Await.until(PATIENCE, () -> "not ready, naming the queue: " + broker.notReady(),
                () -> broker.notReady().filter(why -> why.contains(queue) && why.contains("PRECONDITION_FAILED")).isPresent());
        // Partition 0 is untouched: its messages are still handled (keys chosen by partition).
        int sent = 0;
        for (int i = 0; sent < 10; i++) {
            String key = "k" + i;
            if (Math.floorMod(key.hashCode(), 2) == 0) {
                sendAndAwaitOne(broker, "p0-" + i, key);
                sent++;
            }
        }

        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            ch.queueDelete(queue); // the operator removes the stranger; Courier declares its own again
        }
        Await.until(PATIENCE, () -> "ready again: " + broker.notReady(), () -> broker.notReady().isEmpty());
        sendAndAwait(broker, "after", 20);
    }

    @Test
    void subscribingToAQueueAnotherToolDeclaredOtherwiseFailsNamingIt() throws Exception {
        RabbitConfig config = rabbit.config().build();
        RabbitBroker broker = rabbit.broker(config);
        String queue = names(config).partitionQueue(CHANNEL, GROUP, 0);
        rabbit.deleteQueueAfter(queue);
        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, true, false, false, Map.of("x-max-length", 10));
        }

        assertThatThrownBy(() -> broker.subscribe(CHANNEL, GROUP, d -> d.ack()))
                .isInstanceOf(FailedPreconditionException.class)
                .hasMessageContaining(queue).hasMessageContaining("PRECONDITION_FAILED")
                .hasMessageContaining("Delete it, or declare it as Courier does")
                .satisfies(e -> assertThat(((FailedPreconditionException) e).retrySafe()).isFalse());
    }

    @Test
    void aMessageNoPartitionIsBoundForStaysUnroutedWithoutHoldingUpTheGroup() throws Exception {
        RabbitConfig config = rabbit.config().build();
        RabbitBroker broker = rabbit.broker(config);
        Names names = names(config);
        broker.send(Message.builder().id("early").channel(CHANNEL).type("text").partitionKey("k")
                .payload(new byte[1]).build()).join(); // no group yet: kept for the first one
        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            // A plain client's routing key that is no partition number: no queue is ever bound for it.
            ch.basicPublish(names.exchange(CHANNEL), "99", new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                    .type("text").contentType("application/octet-stream").messageId("stray").build(), new byte[1]);
        }
        java.util.concurrent.CompletableFuture<?> subscribed = java.util.concurrent.CompletableFuture.runAsync(
                () -> broker.subscribe(CHANNEL, GROUP, d -> {
                    handled.add(d.message().id());
                    d.ack();
                }));
        Await.until(PATIENCE, "subscribed, the unrouted queue drained once", subscribed::isDone);
        subscribed.join();
        Await.until(PATIENCE, "handled the message sent before the group", () -> handled.contains("early"));
        sendAndAwait(broker, "after", 10);
        assertThat(handled).doesNotContain("stray");
        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            assertThat(ch.queueDeclarePassive(names.unrouted(CHANNEL)).getMessageCount()).as("the stray kept").isEqualTo(1);
        }
    }

    private static Names names(RabbitConfig config) {
        return new Names(config.namespace(), config.partitions());
    }

    /** Sends {@code count} keyed messages, each again while it fails retry-safe, and waits until all are handled. */
    private void sendAndAwait(MessageBroker broker, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            sendAndAwaitOne(broker, prefix + "-" + i, "k" + i);
        }
    }

    private void sendAndAwaitOne(MessageBroker broker, String id, String key) {
        Message m = Message.builder().id(id).channel(CHANNEL).type("text").partitionKey(key)
                .payload(id.getBytes(StandardCharsets.UTF_8)).build();
        Await.until(PATIENCE, "sent " + id, () -> {
            try {
                broker.send(m).join();
                return true;
            } catch (CompletionException e) {
                if (e.getCause() instanceof UnavailableException u && u.retrySafe()) {
                    return false;
                }
                throw e;
            }
        });
        Await.until(PATIENCE, () -> "handled " + id + " (handled so far: " + handled.size() + ")",
                () -> handled.contains(id));
    }
}
