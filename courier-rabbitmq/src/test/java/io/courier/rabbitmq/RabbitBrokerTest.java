package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.courier.InvalidArgumentException;
import io.courier.UnavailableException;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.Delivery;
import io.courier.messaging.spi.ReplyChannelNotFoundException;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the RabbitMQ adapter does beyond the conformance suite. */
class RabbitBrokerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    private static Message text(String channel, String key, String body) {
        return Message.builder().channel(channel).partitionKey(key).type("text")
                .payload(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    /**
     * Names RabbitMQ refuses every time (a reserved {@code amq.} prefix, over 255 bytes) are this
     * call's fault, not RabbitMQ's absence: refused before any declare, not retry-safe, naming the
     * rule; so an outbox relay parks such a message instead of sending it for ever.
     */
    @Test
    void namesRabbitMqWouldRefuseAreInvalidArgumentsBeforeAnyDeclare() {
        RabbitBroker broker = rabbit.broker(rabbit.config().namespace("").build());
        assertThatThrownBy(() -> broker.subscribe("amq.orders", "billing", Delivery::ack))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("starts with \"amq.\", which RabbitMQ reserves");
        assertThatThrownBy(() -> broker.send(text("amq.orders", "k", "x")).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(InvalidArgumentException.class)
                .satisfies(e -> assertThat(((InvalidArgumentException) e).retrySafe()).isFalse());

        RabbitBroker spaced = rabbit.broker(rabbit.config().build());
        String longChannel = "c".repeat(300);
        assertThatThrownBy(() -> spaced.subscribe("orders", "g".repeat(250), Delivery::ack))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("bytes (expected: at most 255");
        assertThatThrownBy(() -> spaced.send(text(longChannel, "k", "x")).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("bytes (expected: at most 255");
    }

    @Test
    void membersInDifferentProcessesShareTheGroupsPartitions() {
        RabbitConfig config = rabbit.config().partitions(4).build();
        RabbitBroker first = rabbit.broker(config);
        RabbitBroker second = rabbit.broker(config); // its own connections, as another process has
        Subscription a = first.subscribe("orders", "billing", d -> d.ack());
        assertThat(RabbitBroker.partitions(a)).containsExactlyInAnyOrder(0, 1, 2, 3);

        Subscription b = second.subscribe("orders", "billing", d -> d.ack());

        Await.until(PATIENCE, () -> "two each: " + RabbitBroker.partitions(a) + " " + RabbitBroker.partitions(b),
                () -> RabbitBroker.partitions(a).size() == 2 && RabbitBroker.partitions(b).size() == 2);
        assertThat(RabbitBroker.partitions(a)).doesNotContainAnyElementsOf(RabbitBroker.partitions(b));

        b.close();
        Await.until(PATIENCE, () -> "all back to the first: " + RabbitBroker.partitions(a),
                () -> RabbitBroker.partitions(a).size() == 4);
    }

    @Test
    void aSendWhoseConfirmDoesNotComeFailsRetrySafeAfterThePublishTimeout() throws Exception {
        try (StallingRelay relay = new StallingRelay(new InetSocketAddress(LocalRabbit.HOST, LocalRabbit.PORT))) {
            Duration timeout = Duration.ofMillis(300);
            RabbitBroker broker = rabbit.broker(rabbit.config().port(relay.port()).publishTimeout(timeout).build());
            broker.send(text("slow", "k", "confirmed")).join(); // connects, declares, and is confirmed

            relay.stall(); // the broker's confirms now wait in the relay
            long start = System.nanoTime();
            CompletableFuture<Void> sent = broker.send(text("slow", "k", "unconfirmed"));
            assertThatThrownBy(() -> sent.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("did not confirm a message to")
                    .hasMessageContaining("within 300 ms")
                    .satisfies(e -> assertThat(((UnavailableException) e).retrySafe()).as("retry-safe").isTrue());
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            // One sweep every tenth of the timeout: failed no earlier than the timeout, and about then.
            assertThat(waitedMillis).as("ms until the send failed").isBetween(300L, 3_000L);
            relay.resume();
        }
    }

    @Test
    void whatWasSentBeforeAnyGroupExistedGoesToTheFirstGroup() {
        RabbitBroker broker = rabbit.broker();
        broker.send(text("commands", "k", "early-1")).join();
        broker.send(text("commands", "k", "early-2")).join();
        List<String> got = new CopyOnWriteArrayList<>();

        broker.subscribe("commands", "kitchen", d -> { got.add(new String(d.message().payload(), StandardCharsets.UTF_8)); d.ack(); });
        broker.send(text("commands", "k", "late")).join();

        Await.until(PATIENCE, () -> "three: " + got, () -> got.size() == 3);
        assertThat(got).containsExactlyInAnyOrder("early-1", "early-2", "late");
    }

    @Test
    void aMessageCourierCannotReadGoesToTheDeadLetterChannelThroughTheBroker() throws Exception {
        RabbitBroker broker = rabbit.broker();
        List<String> handled = new CopyOnWriteArrayList<>();
        broker.subscribe("orders", "billing", d -> { handled.add(d.message().id()); d.ack(); });
        String deadLetters = broker.config().namespace() + Messaging.deadLetterChannel("orders", "billing");

        try (Connection c = LocalRabbit.plainConnection(); LogCapture log = LogCapture.start()) {
            Channel ch = c.createChannel();
            String inspect = ch.queueDeclare().getQueue(); // a plain client reads what Courier could not
            ch.queueBind(inspect, deadLetters, "#");
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("bad-1")
                    .headers(Map.of("courier-deadline", "tomorrow")).build();
            ch.basicPublish(broker.config().namespace() + "orders", "0", props, new byte[] {1});

            AtomicReference<GetResponse> dead = new AtomicReference<>();
            Await.until(PATIENCE, "the dead letter", () -> {
                try {
                    dead.set(ch.basicGet(inspect, true));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                return dead.get() != null;
            });
            assertThat(dead.get().getProps().getMessageId()).isEqualTo("bad-1");
            assertThat(dead.get().getProps().getHeaders()).containsKey("x-death");
            assertThat(log.lines("WARN")).as("%s", log).singleElement().asString()
                    .contains("rejecting an unreadable message to the queue's dead-letter exchange")
                    .contains("courier-deadline: \"tomorrow\"");
        }
        assertThat(handled).isEmpty();
    }

    @Test
    void aMessageAsLargeAsTheBrokerTakesIsDeliveredAndTheGroupGoesOn() throws Exception {
        RabbitBroker broker = rabbit.broker();
        List<String> handled = new CopyOnWriteArrayList<>();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        broker.subscribe("orders", "billing", d -> {
            sizes.add(d.message().payload().length);
            handled.add(d.message().id());
            d.ack();
        });
        try (Connection c = LocalRabbit.plainConnection()) {
            // 70 MiB: over the AMQP client's default inbound limit (64 MiB), under RabbitMQ 3's maximum
            // (128 MiB). A client that refused it while reading frames lost its connection to it, then
            // got it again after each reconnect, and no message of any group came through.
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("big-1").type("text")
                    .contentType("text/plain").build();
            c.createChannel().basicPublish(broker.config().namespace() + "orders", "0", props, new byte[70 << 20]);
        }
        broker.send(text("orders", "k", "after the big one").toBuilder().id("after-1").build()).join();

        Await.until(Duration.ofSeconds(30), () -> "handled: " + handled, () -> handled.containsAll(List.of("big-1",
                "after-1")));
        assertThat(sizes).contains(70 << 20);
    }

    @Test
    void aReplyQueueIsDeletedWhenItsInstanceCloses() throws Exception {
        RabbitBroker broker = rabbit.broker();
        String replies = "order-service.replies.test";
        String queue = broker.config().namespace() + replies;
        List<String> got = new CopyOnWriteArrayList<>();
        Subscription s = broker.subscribe(replies, replies, d -> { got.add(d.message().id()); d.ack(); });
        broker.send(reply(replies).toBuilder().id("r-1").build()).join();
        Await.until(PATIENCE, "the reply", () -> !got.isEmpty());

        s.close();

        try (Connection c = LocalRabbit.plainConnection()) {
            Channel ch = c.createChannel();
            assertThatThrownBy(() -> ch.queueDeclarePassive(queue)).isInstanceOf(IOException.class)
                    .hasStackTraceContaining("NOT_FOUND");
        }
        assertThat(exists(queue, null)).as("its exchange, deleted with the queue's binding").isFalse();
        assertThat(exists(queue + ".unrouted", null)).as("an exchange for what nobody received").isFalse();
        assertThat(exists(queue + ".unrouted", queue + ".unrouted")).as("a queue for what nobody received").isFalse();
    }

    @Test
    void aRequesterWhoseConnectionWasCutGetsRepliesAgain() throws Exception {
        RabbitBroker broker = rabbit.broker();
        String replies = "order-service.replies.0ba1b0a0";
        List<String> got = new CopyOnWriteArrayList<>();
        broker.subscribe(replies, replies, d -> { got.add(d.message().id()); d.ack(); });
        RabbitCtl.run("close_all_connections", "courier reply channel test");

        RabbitBroker responder = rabbit.broker();
        responder.send(reply(replies).toBuilder().id("r-after").build()).join();

        Await.until(PATIENCE, () -> "the reply: " + got, () -> got.contains("r-after"));
    }

    private static Message reply(String channel) {
        return Message.builder().channel(channel).correlationId("request-1").header("courier-status", "OK")
                .payload(new byte[0]).build();
    }

    /** Whether RabbitMQ has {@code exchange} (and, unless null, {@code queue}), asked by a plain client. */
    private static boolean exists(String exchange, String queue) throws Exception {
        try (Connection c = LocalRabbit.plainConnection()) {
            try {
                Channel ch = c.createChannel();
                ch.exchangeDeclarePassive(exchange);
                if (queue != null) {
                    ch.queueDeclarePassive(queue);
                }
                return true;
            } catch (IOException e) {
                if (e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException s
                        && s.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == AMQP.NOT_FOUND) {
                    return false;
                }
                throw e;
            }
        }
    }

    @Test
    void aReplyToAChannelThatDoesNotExistDeclaresNothing() throws Exception {
        RabbitBroker broker = rabbit.broker();
        String ns = broker.config().namespace();
        String ghost = "ghost.replies.0badf00d";

        assertThatThrownBy(() -> broker.send(reply(ghost)).join()).cause()
                .isInstanceOf(ReplyChannelNotFoundException.class);
        broker.send(text("orders", "k", "the connection works")).join();

        rabbit.deleteExchangeAfter(ns + ghost); // should the test fail
        rabbit.deleteExchangeAfter(ns + ghost + ".unrouted");
        rabbit.deleteQueueAfter(ns + ghost + ".unrouted");
        assertThat(exists(ns + ghost, null)).as("the exchange").isFalse();
        assertThat(exists(ns + ghost + ".unrouted", ns + ghost + ".unrouted")).as("the unrouted queue").isFalse();
        assertThat(broker.declaredExchanges()).doesNotContain(ns + ghost, ns + ghost + ".unrouted");
    }

    @Test
    void aReplyToTheReplyChannelOfARequesterThatClosedIsRefused() throws Exception {
        String replies = "order-service.replies.c105ed00";
        String exchange = rabbit.config().build().namespace() + replies;
        RabbitBroker requester = rabbit.broker();
        requester.subscribe(replies, replies, Delivery::ack).close(); // its queue is deleted, and its exchange
        assertThat(exists(exchange, null)).as("the exchange").isFalse();

        RabbitBroker responder = rabbit.broker(); // another process: it never saw the channel alive
        assertThatThrownBy(() -> responder.send(reply(replies)).join()).cause()
                .isInstanceOf(ReplyChannelNotFoundException.class);

        assertThat(exists(exchange + ".unrouted", exchange + ".unrouted")).as("nothing kept for nobody").isFalse();
    }

    @Test
    void repliesToALiveReplyChannelArriveAfterARefusedOne() {
        RabbitBroker broker = rabbit.broker();
        String replies = "order-service.replies.a11ve000";
        List<String> got = new CopyOnWriteArrayList<>();
        broker.subscribe(replies, replies, d -> { got.add(d.message().id()); d.ack(); });

        assertThatThrownBy(() -> broker.send(reply("ghost.replies.0badf00d")).join()).cause()
                .isInstanceOf(ReplyChannelNotFoundException.class);
        for (int i = 0; i < 3; i++) {
            broker.send(reply(replies).toBuilder().id("r-" + i).build()).join();
        }

        Await.until(PATIENCE, () -> "the replies: " + got, () -> got.size() == 3);
        assertThat(got).containsExactly("r-0", "r-1", "r-2");
    }

    @Test
    void deleteGroupRemovesTheGroupsQueuesOnceItsMembersClosed() throws Exception {
        RabbitBroker broker = rabbit.broker();
        String queue = broker.config().namespace() + "tailed.tmp-group.0";
        Subscription s = broker.subscribe("tailed", "tmp-group", Delivery::ack);
        assertThatThrownBy(() -> broker.deleteGroup("tailed", "tmp-group")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("close its subscriptions first");
        try (Connection c = LocalRabbit.plainConnection()) {
            assertThat(c.createChannel().queueDeclarePassive(queue).getQueue()).isEqualTo(queue);
        }

        s.close();
        broker.deleteGroup("tailed", "tmp-group");
        broker.deleteGroup("tailed", "tmp-group"); // nothing left: does nothing

        try (Connection c = LocalRabbit.plainConnection()) {
            Channel ch = c.createChannel();
            assertThatThrownBy(() -> ch.queueDeclarePassive(queue)).isInstanceOf(IOException.class)
                    .hasStackTraceContaining("NOT_FOUND");
        }
    }

    @Test
    void aSendFailsRetrySafeWhenNoBrokerAnswers() {
        LocalRabbit.require();
        try (RabbitBroker broker = RabbitBroker.create(RabbitConfig.builder().port(1).build())) {
            assertThatThrownBy(() -> broker.send(text("orders", "k", "x")).join())
                    .isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(UnavailableException.class).hasMessageContaining("cannot connect to RabbitMQ at 127.0.0.1:1")
                    .matches(e -> ((UnavailableException) e).retrySafe(), "retry-safe");
        }
    }

    @Test
    void aSendToAnExchangeDeletedMeanwhileFailsRetrySafeAndTheNextDeclaresItAgain() throws Exception {
        RabbitBroker broker = rabbit.broker();
        broker.send(text("orders", "k", "first")).join();
        try (Connection c = LocalRabbit.plainConnection(); Channel ch = c.createChannel()) {
            ch.exchangeDelete(broker.config().namespace() + "orders"); // an operator's mistake
        }

        assertThatThrownBy(() -> broker.send(text("orders", "k", "lost")).join()).cause()
                .isInstanceOf(UnavailableException.class).matches(e -> ((UnavailableException) e).retrySafe(), "retry-safe");
        broker.send(text("orders", "k", "again")).join();
    }

    @Test
    void configRejectsValuesOutOfRangeNamingThem() {
        assertThatThrownBy(() -> RabbitConfig.builder().partitions(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("partitions: 0 (expected: 1..1024)");
        assertThatThrownBy(() -> RabbitConfig.builder().rebalanceInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rebalanceInterval: PT0S (expected: > 0)");
        RabbitConfig c = RabbitConfig.builder().partitions(3).build();
        assertThat(c.toBuilder().prefetch(7).build()).extracting(RabbitConfig::partitions, RabbitConfig::prefetch)
                .containsExactly(3, 7);
    }
}
