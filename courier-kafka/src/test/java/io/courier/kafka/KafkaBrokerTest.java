package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import io.courier.UnavailableException;
import io.courier.json.JsonCodec;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.messaging.Messaging;
import io.courier.messaging.RetryPolicy;
import io.courier.messaging.Subscription;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.messaging.conformance.KitchenCommands;
import io.courier.messaging.spi.Delivery;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** What the Kafka adapter does beyond the conformance suite. */
class KafkaBrokerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static String channel(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Message text(String channel, String key, String body) {
        return Message.builder().channel(channel).partitionKey(key).type("text")
                .payload(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    /**
     * A message over {@code maxMessageBytes} is this message's fault, not Kafka's absence: the send
     * fails with {@link InvalidArgumentException} (not retry-safe) naming the limit, so that an
     * outbox relay parks it instead of sending it for ever; the next message goes out.
     */
    @Test
    void aMessageOverTheSizeLimitIsRefusedAsInvalidAndTheNextGoesOut() throws Exception {
        String ch = channel("large");
        try (KafkaBroker broker = KafkaBroker.create(SharedKafka.config().maxMessageBytes(4096).build())) {
            CompletableFuture<Void> large = broker.send(text(ch, "k", "x".repeat(10_000)));
            assertThatThrownBy(() -> large.get(30, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("Kafka refused")
                    .hasMessageContaining("expected: a message within maxMessageBytes")
                    .satisfies(e -> assertThat(((InvalidArgumentException) e).retrySafe()).isFalse());
            broker.send(text(ch, "k", "small")).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void membersInDifferentBrokersShareTheGroupsPartitions() {
        String ch = channel("orders");
        KafkaConfig config = SharedKafka.config().partitions(4).build();
        try (KafkaBroker first = KafkaBroker.create(config); KafkaBroker second = KafkaBroker.create(config)) {
            Subscription a = first.subscribe(ch, "billing", Delivery::ack);
            assertThat(KafkaBroker.partitions(a)).containsExactly(0, 1, 2, 3);

            Subscription b = second.subscribe(ch, "billing", Delivery::ack);

            Await.until(PATIENCE, () -> "two each: " + KafkaBroker.partitions(a) + " " + KafkaBroker.partitions(b),
                    () -> KafkaBroker.partitions(a).size() == 2 && KafkaBroker.partitions(b).size() == 2);
            assertThat(KafkaBroker.partitions(a)).doesNotContainAnyElementsOf(KafkaBroker.partitions(b));

            b.close();
            Await.until(PATIENCE, () -> "all back to the first: " + KafkaBroker.partitions(a),
                    () -> KafkaBroker.partitions(a).size() == 4);
        }
    }

    @Test
    void aKeyParkedLongerThanTheMaxPollIntervalStallsNeitherThePartitionNorTheGroup() throws Exception {
        String ch = channel("parked");
        // One partition, at most 5 unsettled: the partition is paused while "slow" is held, and
        // the consumer goes on polling, so Kafka does not drop it from the group.
        KafkaConfig config = SharedKafka.config().partitions(1).maxUnsettledPerPartition(5)
                .maxPollInterval(Duration.ofMillis(1500)).build();
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        List<Delivery> held = new CopyOnWriteArrayList<>();
        try (KafkaBroker broker = KafkaBroker.create(config)) {
            Subscription s = broker.subscribe(ch, "g", d -> {
                handled.computeIfAbsent(new String(d.message().payload(), StandardCharsets.UTF_8), k -> new AtomicInteger())
                        .incrementAndGet();
                if (d.message().partitionKey().orElseThrow().equals("slow")) {
                    held.add(d); // parked: settled later, from another thread
                } else {
                    d.ack();
                }
            });
            broker.send(text(ch, "slow", "slow-0")).join();
            for (int i = 0; i < 20; i++) {
                broker.send(text(ch, "fast", "fast-" + i)).join();
            }
            Await.until(PATIENCE, () -> "the fast key handled while the slow one is held: " + handled.keySet(),
                    () -> handled.size() == 21);

            Thread.sleep(3000); // the parked key is held twice the max poll interval: time itself is what is tested
            held.forEach(Delivery::ack);
            broker.send(text(ch, "fast", "fast-after")).join();

            Await.until(PATIENCE, "the message sent after", () -> handled.containsKey("fast-after"));
            assertThat(handled.values()).as("each handled once: no rebalance redelivered anything")
                    .allMatch(n -> n.get() == 1);
            assertThat(KafkaBroker.partitions(s)).containsExactly(0);
        }
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterChannelWithTheReasonAndThePartitionGoesOn() throws Exception {
        String ch = channel("bad-input");
        List<OrderCreated> handled = new CopyOnWriteArrayList<>();
        List<Message> dead = new CopyOnWriteArrayList<>();
        try (LogCapture log = LogCapture.start();
             KafkaBroker broker = KafkaBroker.create(SharedKafka.config().partitions(1).build());
             Messaging billing = Messaging.builder().name("billing").broker(broker).codec(JsonCodec.create()).build();
             KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            billing.subscribe(ch, OrderCreated.class, "billing", handled::add);
            broker.subscribe(Messaging.deadLetterChannel(ch, "billing"), "inspect", d -> { dead.add(d.message()); d.ack(); });

            ProducerRecord<byte[], byte[]> badHeader = new ProducerRecord<>(ch, bytes("o-1"), bytes("{\"orderId\":\"o-1\",\"seq\":1}"));
            badHeader.headers().add("courier-type", bytes("OrderCreated")).add("courier-deadline", bytes("tomorrow"))
                    .add("x-tenant", bytes("acme"));
            plain.send(badHeader).get(20, TimeUnit.SECONDS);
            plain.send(new ProducerRecord<>(ch, bytes("o-1"), bytes("{not json"))).get(20, TimeUnit.SECONDS); // no headers at all
            ProducerRecord<byte[], byte[]> good = new ProducerRecord<>(ch, bytes("o-1"), bytes("{\"orderId\":\"o-1\",\"seq\":3}"));
            good.headers().add("courier-type", bytes("OrderCreated")).add("courier-content-type", bytes("application/json"));
            plain.send(good).get(20, TimeUnit.SECONDS);

            Await.until(PATIENCE, () -> "two dead letters and the good record: " + dead + " " + handled,
                    () -> dead.size() == 2 && handled.size() == 1);
            assertThat(handled).containsExactly(new OrderCreated("o-1", 3));
            Message malformed = dead.stream().filter(m -> m.headers().get("x-tenant").isPresent()).findFirst().orElseThrow();
            assertThat(malformed.headers().get(MessageHeaders.DEAD_LETTER_REASON).orElseThrow())
                    .startsWith("unreadable Kafka record " + ch + "-0@0").contains("header courier-deadline: \"tomorrow\"");
            assertThat(malformed.headers().get(MessageHeaders.DEAD_LETTER_GROUP)).hasValue("billing");
            assertThat(malformed.headers().get(MessageHeaders.DEAD_LETTER_CHANNEL)).hasValue(ch);
            assertThat(new String(malformed.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\":\"o-1\",\"seq\":1}");
            Message untyped = dead.stream().filter(m -> m != malformed).findFirst().orElseThrow();
            assertThat(untyped.headers().get(MessageHeaders.DEAD_LETTER_REASON).orElseThrow()).contains("missing header courier-type");
            assertThat(log.lines("WARN")).as(log.toString()).anyMatch(l -> l.contains("dead-lettering unreadable Kafka record"));
        }
    }

    @Test
    void anUnreadableRecordWithAnEmptyIdIsDeadLetteredUnderTheRecordsIdAndThePartitionGoesOn() throws Exception {
        String ch = channel("empty-id");
        List<OrderCreated> handled = new CopyOnWriteArrayList<>();
        List<Message> dead = new CopyOnWriteArrayList<>();
        try (KafkaBroker broker = KafkaBroker.create(SharedKafka.config().partitions(1).build());
             Messaging billing = Messaging.builder().name("billing").broker(broker).codec(JsonCodec.create()).build();
             KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            billing.subscribe(ch, OrderCreated.class, "billing", handled::add);
            broker.subscribe(Messaging.deadLetterChannel(ch, "billing"), "inspect", d -> { dead.add(d.message()); d.ack(); });

            // An id header without a value (a null header, as kafka-clients allows) and one that is empty.
            for (byte[] id : new byte[][] {null, new byte[0]}) {
                ProducerRecord<byte[], byte[]> noId = new ProducerRecord<>(ch, bytes("o-1"), bytes("{\"orderId\":\"o-1\",\"seq\":1}"));
                noId.headers().add("courier-id", id).add("courier-type", bytes("OrderCreated"))
                        .add("courier-content-type", bytes("application/json"));
                plain.send(noId).get(20, TimeUnit.SECONDS);
            }
            ProducerRecord<byte[], byte[]> good = new ProducerRecord<>(ch, bytes("o-1"), bytes("{\"orderId\":\"o-1\",\"seq\":3}"));
            good.headers().add("courier-type", bytes("OrderCreated")).add("courier-content-type", bytes("application/json"));
            plain.send(good).get(20, TimeUnit.SECONDS);

            Await.until(PATIENCE, () -> "two dead letters and the good record: " + dead + " " + handled,
                    () -> dead.size() == 2 && handled.size() == 1);
            assertThat(handled).containsExactly(new OrderCreated("o-1", 3));
            assertThat(dead).extracting(Message::id).containsExactlyInAnyOrder("kafka:" + ch + "-0@0", "kafka:" + ch + "-0@1");
            assertThat(dead).allSatisfy(m -> assertThat(m.headers().get(MessageHeaders.DEAD_LETTER_REASON).orElseThrow())
                    .contains("id: \"\" (expected: a non-empty string)"));
        }
    }

    @Test
    void aCommandWhoseReplyChannelKafkaRefusesIsHandledOnceAndNotRetried() throws Exception {
        String commands = Messaging.commandChannel(KitchenCommands.class);
        String order = "o-" + UUID.randomUUID().toString().substring(0, 8); // the topic is shared with other tests
        List<String> notices = new CopyOnWriteArrayList<>();
        try (LogCapture log = LogCapture.start();
             KafkaBroker broker = KafkaBroker.create(SharedKafka.config().build());
             Messaging kitchen = Messaging.builder().name("kitchen").broker(broker).codec(JsonCodec.create())
                     .retry(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(5)).build()).build();
             KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            kitchen.handle(KitchenCommands.class, new Notices(notices));

            // A one-way command asking for its reply on a channel that is no topic name; then a plain one, same key.
            for (String replyTo : new String[] {"no/such topic", null}) {
                ProducerRecord<byte[], byte[]> command = new ProducerRecord<>(commands, bytes(order), bytes("{\"minutes\":5}"));
                command.headers().add("courier-type", bytes("kitchen.notifyDelay"))
                        .add("courier-content-type", bytes("application/json"))
                        .add("courier-param-x-order", bytes(order + (replyTo == null ? "-plain" : "-refused")));
                if (replyTo != null) {
                    command.headers().add("courier-reply-to", bytes(replyTo));
                }
                plain.send(command).get(20, TimeUnit.SECONDS);
            }

            Await.until(PATIENCE, () -> "the plain command after the refused reply: " + notices,
                    () -> notices.contains(order + "-plain"));
            assertThat(notices).as("handled once: the reply cannot be sent, whatever the attempt")
                    .containsExactly(order + "-refused", order + "-plain");
            assertThat(kitchen.deadLettered(false)).as("not dead-lettered: it was handled").isZero();
            assertThat(log.lines("WARN")).as("%s", log).filteredOn(l -> l.contains(" io.courier.")).singleElement()
                    .asString().contains("no/such topic");
            assertThat(log.stackTraceLines()).as("%s", log).isEmpty();
        }
    }

    /** A kitchen that records the orders of the delays it was told of, and answers nothing else. */
    private record Notices(List<String> notices) implements KitchenCommands {
        @Override
        public void notifyDelay(String orderId, Delay delay) {
            notices.add(orderId);
        }

        @Override
        public CompletableFuture<Ticket> createTicket(TicketRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Ticket> ticket(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Ticket cancel(TicketRequest request) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aReplyTopicIsDeletedWhenItsSubscriptionCloses() throws Exception {
        String replies = "order-service.replies." + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaBroker broker = KafkaBroker.create(SharedKafka.config().build());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            List<String> got = new CopyOnWriteArrayList<>();
            Subscription s = broker.subscribe(replies, replies, d -> { got.add(d.message().id()); d.ack(); });
            broker.send(Message.builder().id("r-1").channel(replies).correlationId("q-1").payload(new byte[0]).build()).join();
            Await.until(PATIENCE, "the reply", () -> !got.isEmpty());
            assertThat(admin.describeTopics(List.of(replies)).allTopicNames().get().get(replies).partitions())
                    .as("one partition").hasSize(1);

            s.close();

            Await.until(PATIENCE, "the reply topic deleted", () -> !topics(admin).contains(replies));
        }
    }

    private static Set<String> topics(Admin admin) {
        try {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSendFailsRetrySafeWhenNoBrokerAnswers() {
        KafkaConfig config = KafkaConfig.builder().bootstrapServers("127.0.0.1:1").readyTimeout(Duration.ofMillis(500))
                .sendTimeout(Duration.ofMillis(500)).build();
        try (LogCapture log = LogCapture.start(); KafkaBroker broker = KafkaBroker.create(config)) {
            assertThatThrownBy(() -> broker.send(text("orders", "k", "x")).join())
                    .isInstanceOf(CompletionException.class).cause()
                    .isInstanceOf(UnavailableException.class).hasMessageContaining("Kafka topic orders is not ready")
                    .matches(e -> ((UnavailableException) e).retrySafe(), "retry-safe");
            assertThatThrownBy(() -> broker.subscribe("orders", "billing", Delivery::ack))
                    .isInstanceOf(UnavailableException.class).matches(e -> ((UnavailableException) e).retrySafe(), "retry-safe");
            assertThat(log.lines("ERROR")).as("no errors logged, only the failures returned").isEmpty();
        }
    }

    @Test
    void aChannelThatIsNoTopicNameIsRefusedNamingIt() {
        try (KafkaBroker broker = KafkaBroker.create(SharedKafka.config().build())) {
            assertThatThrownBy(() -> broker.subscribe("orders/eu", "billing", Delivery::ack))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("channel: \"orders/eu\" (expected: a Kafka topic name: 1 to 249 letters, digits, '.', '_' or '-')");
        }
    }

    @Test
    void configRejectsValuesOutOfRangeNamingThem() {
        assertThatThrownBy(() -> KafkaConfig.builder().partitions(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("partitions: 0 (expected: 1..10000)");
        assertThatThrownBy(() -> KafkaConfig.builder().compression("brotli"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("compression: \"brotli\" (expected: one of none, gzip, snappy, lz4, zstd)");
        assertThatThrownBy(() -> KafkaConfig.builder().acks("1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("acks: \"1\" (expected: all while idempotence is on; turn idempotence off for acks 1 or 0)");
        KafkaConfig c = KafkaConfig.builder().partitions(3).build();
        assertThat(c.toBuilder().linger(Duration.ofMillis(20)).build())
                .extracting(KafkaConfig::partitions, KafkaConfig::linger, KafkaConfig::acks, KafkaConfig::idempotence)
                .containsExactly(3, Duration.ofMillis(20), "all", true);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
