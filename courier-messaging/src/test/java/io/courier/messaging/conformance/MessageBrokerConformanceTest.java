package io.courier.messaging.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.DeadlineExceededException;
import io.courier.NotFoundException;
import io.courier.json.JsonCodec;
import io.courier.messaging.DeadLetter;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.messaging.Messaging;
import io.courier.messaging.ProcessedMessages;
import io.courier.messaging.Replies;
import io.courier.messaging.RetryPolicy;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.messaging.conformance.Events.Quote;
import io.courier.messaging.conformance.Events.QuoteRequest;
import io.courier.messaging.conformance.KitchenCommands.Delay;
import io.courier.messaging.conformance.KitchenCommands.Ticket;
import io.courier.messaging.conformance.KitchenCommands.TicketRequest;
import io.courier.messaging.spi.MessageBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link MessageBroker} adapter must pass: the broker guarantees of
 * {@link BrokerConformanceTest}, and every interaction style of {@link Messaging} running over
 * the broker, with dead letters, deduplication and deadlines.
 *
 * <p>An adapter module runs it by depending on {@code courier-messaging}'s test jar and
 * {@code courier-json}, and extending this class:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.courier</groupId>
 *   <artifactId>courier-messaging</artifactId>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 *
 * class KafkaBrokerConformanceTest extends MessageBrokerConformanceTest {
 *     protected MessageBroker createBroker() {
 *         return KafkaBroker.builder().bootstrapServers(kafka.address()).build();
 *     }
 *     protected Duration patience() {
 *         return Duration.ofSeconds(30);
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh broker from {@link #createBroker()}, uses channel names made unique
 * by {@link #channel(String)} where it can, and waits by polling up to {@link #patience()}, never
 * by sleeping. Tests that need time to pass use short real timeouts, since an external broker
 * runs on real time. The suite itself needs no fake time; an adapter's own tests of
 * time-dependent behaviour use {@code io.courier.test.FakeClock}, with {@code courier-test} as
 * another test-scoped dependency.
 */
public abstract class MessageBrokerConformanceTest extends BrokerConformanceTest {
    private final List<Messaging> instances = new ArrayList<>();

    /** A {@link Messaging} over the broker under test, closed after the test; retries are quick. */
    protected Messaging messaging(String name) {
        return messaging(name, null);
    }

    private Messaging messaging(String name, ProcessedMessages processed) {
        Messaging.Builder b = Messaging.builder().name(name).broker(broker).codec(JsonCodec.create())
                .timeout(patience())
                .retry(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(5)).build());
        if (processed != null) {
            b.processedMessages(processed);
        }
        Messaging m = b.build();
        instances.add(m);
        return m;
    }

    @AfterEach
    void closeMessaging() {
        instances.forEach(Messaging::close);
    }

    /** A kitchen that records what it was told. */
    protected static class Kitchen implements KitchenCommands {
        final List<String> delays = new CopyOnWriteArrayList<>();

        @Override
        public void notifyDelay(String orderId, Delay delay) {
            delays.add(orderId + ":" + delay.minutes());
        }

        @Override
        public CompletableFuture<Ticket> createTicket(TicketRequest request) {
            return CompletableFuture.completedFuture(new Ticket("t-" + request.orderId(), request.orderId(),
                    request.items().size()));
        }

        @Override
        public CompletableFuture<Ticket> ticket(String id) {
            throw new NotFoundException("ticket " + id + " does not exist");
        }

        @Override
        public Ticket cancel(TicketRequest request) {
            return new Ticket("cancelled-" + request.orderId(), request.orderId(), 0);
        }
    }

    @Test
    void oneWayNotificationReturnsAtOnceAndIsHandled() {
        Kitchen kitchen = new Kitchen();
        messaging("kitchen-service").handle(KitchenCommands.class, kitchen);
        KitchenCommands commands = messaging("order-service").commands(KitchenCommands.class);

        commands.notifyDelay("o-1", new Delay(15));

        Await.until(patience(), "the notification handled", () -> !kitchen.delays.isEmpty());
        assertThat(kitchen.delays).containsExactly("o-1:15");
    }

    @Test
    void asyncRequestResponseGetsTheReplyByCorrelationId() throws Exception {
        messaging("kitchen-service").handle(KitchenCommands.class, new Kitchen());
        KitchenCommands commands = messaging("order-service").commands(KitchenCommands.class);

        List<CompletableFuture<Ticket>> tickets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tickets.add(commands.createTicket(new TicketRequest("o-" + i, List.of("pizza", "salad"))));
        }

        for (int i = 0; i < 20; i++) {
            assertThat(tickets.get(i).get(patience().toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(new Ticket("t-o-" + i, "o-" + i, 2));
        }
        assertThat(commands.cancel(new TicketRequest("o-9", List.of()))).isEqualTo(new Ticket("cancelled-o-9", "o-9", 0));
    }

    @Test
    void aHandlersErrorComesBackAsTheSameTypedError() {
        messaging("kitchen-service").handle(KitchenCommands.class, new Kitchen());
        KitchenCommands commands = messaging("order-service").commands(KitchenCommands.class);

        assertThatThrownBy(() -> commands.ticket("t-404").get(patience().toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(NotFoundException.class).hasMessage("ticket t-404 does not exist");
    }

    @Test
    void aRequestNobodyAnswersEndsAtItsDeadline() {
        KitchenCommands commands = messaging("order-service").commands(KitchenCommands.class, Duration.ofMillis(200));

        CompletableFuture<Ticket> ticket = commands.createTicket(new TicketRequest("o-1", List.of()));

        assertThatThrownBy(() -> ticket.get(patience().toMillis(), TimeUnit.MILLISECONDS))
                .cause().isInstanceOf(DeadlineExceededException.class);
    }

    /** A request for a ticket as a foreign producer sends it, asking for the reply on {@code replyTo}. */
    private static Message ticketRequest(String orderId, String replyTo) {
        JsonCodec json = JsonCodec.create();
        return Message.builder().channel(Messaging.commandChannel(KitchenCommands.class)).type("kitchen.createTicket")
                .partitionKey(orderId).replyTo(replyTo).contentType(json.mediaType())
                .payload(json.encode(new TicketRequest(orderId, List.of("soup")), TicketRequest.class)).build();
    }

    /** A name like an instance's reply channel, of no live instance. */
    private static String madeUpReplyChannel() {
        return "ghost.replies." + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aReplyToAChannelThatDoesNotExistIsDroppedAndCounted() {
        Messaging kitchen = messaging("kitchen-service");
        kitchen.handle(KitchenCommands.class, new Kitchen());
        String ghost = madeUpReplyChannel();

        try (LogCapture log = LogCapture.start()) {
            Message request = ticketRequest("o-ghost", ghost);
            broker.send(request).join();

            Await.until(patience(), () -> "the reply dropped: " + log, () -> kitchen.droppedReplies() == 1);
            assertThat(log.lines("WARN")).as("%s", log).filteredOn(line -> line.contains(" io.courier.")).singleElement()
                    .asString().contains("dropping the reply").contains(ghost).contains(request.id());
            assertThat(log.stackTraceLines()).as("%s", log).isEmpty();
        }
        assertThat(kitchen.deadLettered(false) + kitchen.deadLettered(true)).as("handled, not failed").isZero();
    }

    @Test
    void aReplyToAChannelThatIsNotAReplyChannelIsDroppedAndCounted() {
        String events = channel("orders");
        List<Message> seen = new CopyOnWriteArrayList<>();
        broker.subscribe(events, "billing", d -> { seen.add(d.message()); d.ack(); });
        Messaging kitchen = messaging("kitchen-service");
        kitchen.handle(KitchenCommands.class, new Kitchen());

        try (LogCapture log = LogCapture.start()) {
            broker.send(ticketRequest("o-misdirected", events)).join();

            Await.until(patience(), () -> "the reply dropped: " + log, () -> kitchen.droppedReplies() == 1);
            assertThat(log.lines("WARN")).as("%s", log).filteredOn(line -> line.contains(" io.courier.")).singleElement()
                    .asString().contains("dropping the reply").contains(events);
        }
        broker.send(text(events, "k", "after")).join();
        Await.until(patience(), () -> "the event after: " + seen, () -> seen.stream().anyMatch(m -> m.type().orElse("")
                .equals("text")));
        assertThat(seen).as("no reply on another service's channel").extracting(Message::correlationId)
                .allMatch(java.util.Optional::isEmpty);
    }

    @Test
    void everyGroupGetsEveryEventAndEachKeyInOrder() {
        String ch = channel("orders");
        Messaging publisher = messaging("order-service");
        Map<String, List<Integer>> billing = new ConcurrentHashMap<>();
        Map<String, List<Integer>> shipping = new ConcurrentHashMap<>();
        AtomicInteger billingCalls = new AtomicInteger();
        for (int instance = 0; instance < 2; instance++) { // two instances compete inside each group
            messaging("billing-" + instance).subscribe(ch, OrderCreated.class, "billing", e -> {
                billing.computeIfAbsent(e.orderId(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.seq());
                billingCalls.incrementAndGet();
            });
            messaging("shipping-" + instance).subscribe(ch, OrderCreated.class, "shipping", e ->
                    shipping.computeIfAbsent(e.orderId(), k -> Collections.synchronizedList(new ArrayList<>())).add(e.seq()));
        }

        for (int seq = 0; seq < 50; seq++) {
            for (int order = 0; order < 5; order++) {
                publisher.publish(ch, new OrderCreated("o-" + order, seq), "o-" + order);
            }
        }

        Await.until(patience(), "250 events in each group", () -> count(billing) == 250 && count(shipping) == 250);
        for (Map<String, List<Integer>> group : List.of(billing, shipping)) {
            assertThat(group).hasSize(5);
            group.values().forEach(seqs -> assertThat(seqs).isSorted().hasSize(50));
        }
        assertThat(billingCalls.get()).as("each event handled once in the group").isEqualTo(250);
    }

    private static int count(Map<String, List<Integer>> m) {
        return m.values().stream().mapToInt(List::size).sum();
    }

    @Test
    void scatterGatherCollectsUntilTheExpectedRepliesCame() throws Exception {
        for (String courier : List.of("courier-a", "courier-b", "courier-c")) {
            messaging(courier).respond(QuoteRequest.class, courier, r -> new Quote(courier, courier.length() * 100L));
        }
        Messaging orders = messaging("order-service");

        Replies<Quote> quotes = orders.scatter(new QuoteRequest("o-1"), Quote.class, 3, patience())
                .get(patience().toMillis() * 2, TimeUnit.MILLISECONDS);

        assertThat(quotes.complete()).isTrue();
        assertThat(quotes.responders()).containsExactly("courier-a", "courier-b", "courier-c");
        assertThat(quotes.values()).extracting(Quote::courier).containsExactly("courier-a", "courier-b", "courier-c");
    }

    @Test
    void oneMessagingCanAnswerAsSeveralResponders() throws Exception {
        Messaging couriers = messaging("courier-pool");
        for (String courier : List.of("courier-x", "courier-y", "courier-z")) {
            couriers.respond(QuoteRequest.class, courier, r -> new Quote(courier, courier.length() * 100L));
        }
        Messaging orders = messaging("order-service");

        Replies<Quote> quotes = orders.scatter(new QuoteRequest("o-3"), Quote.class, 3, patience())
                .get(patience().toMillis() * 2, TimeUnit.MILLISECONDS);

        assertThat(quotes.complete()).as("each responder counted once, though all share one sender").isTrue();
        assertThat(quotes.responders()).containsExactlyInAnyOrder("courier-x", "courier-y", "courier-z");
    }

    @Test
    void anErrorReplyOfOneOfSeveralRespondersOfOneMessagingNamesItsResponder() throws Exception {
        Messaging couriers = messaging("courier-pool");
        couriers.respond(QuoteRequest.class, "courier-ok", r -> new Quote("courier-ok", 300));
        couriers.respond(QuoteRequest.class, "courier-failing", r -> {
            throw new NotFoundException("no quote for " + r.orderId());
        });
        Messaging orders = messaging("order-service");

        Replies<Quote> quotes = orders.scatter(new QuoteRequest("o-4"), Quote.class, 2, patience())
                .get(patience().toMillis() * 2, TimeUnit.MILLISECONDS);

        assertThat(quotes.complete()).as("both answers counted: %s", quotes).isTrue();
        assertThat(quotes.replies()).containsOnlyKeys("courier-ok");
        assertThat(quotes.failures()).containsOnlyKeys("courier-failing");
        assertThat(quotes.failures().get("courier-failing")).isInstanceOf(NotFoundException.class)
                .hasMessage("no quote for o-4");
    }

    @Test
    void scatterGatherReturnsWhatCameWhenTheDeadlinePasses() throws Exception {
        messaging("courier-a").respond(QuoteRequest.class, "courier-a", r -> new Quote("courier-a", 500));
        Messaging orders = messaging("order-service");

        Replies<Quote> quotes = orders.scatter(new QuoteRequest("o-2"), Quote.class, 3, Duration.ofMillis(500))
                .get(patience().toMillis(), TimeUnit.MILLISECONDS);

        assertThat(quotes.complete()).isFalse();
        assertThat(quotes.replies()).containsOnlyKeys("courier-a");
    }

    @Test
    void aMessageThatKeepsFailingIsDeadLetteredWithTheReasonAndCanBeReplayed() {
        String ch = channel("payments");
        Messaging consumer = messaging("billing");
        AtomicBoolean gatewayDown = new AtomicBoolean(true);
        List<Integer> handled = new CopyOnWriteArrayList<>();
        consumer.subscribe(ch, OrderCreated.class, "billing", e -> {
            if (e.seq() == 1 && gatewayDown.get()) {
                throw new IllegalStateException("payment gateway down");
            }
            handled.add(e.seq());
        });
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        consumer.deadLetters(ch, "billing", dead::add); // read now, settled below

        Messaging publisher = messaging("order-service");
        try (LogCapture log = LogCapture.start()) {
            for (int seq = 0; seq < 3; seq++) {
                publisher.publish(ch, new OrderCreated("o-1", seq), "o-1");
            }

            Await.until(patience(), () -> "dead letter and the rest handled: " + dead + handled,
                    () -> dead.size() == 1 && handled.size() == 2);
            assertDeadLetteringLoggedOnce(log, ch, "after 3 attempts; last failure: java.lang.IllegalStateException: payment gateway down");
        }
        assertThat(handled).containsExactly(0, 2);
        DeadLetter letter = dead.get(0);
        assertThat(letter.reason()).contains("failed after 3 attempts").contains("payment gateway down");
        assertThat(letter.attempts()).isEqualTo(3);
        assertThat(letter.channel()).isEqualTo(ch);
        assertThat(letter.group()).isEqualTo("billing");
        assertThat(letter.message().headers().get(MessageHeaders.DEAD_LETTER_REASON)).hasValue(letter.reason());

        gatewayDown.set(false);
        letter.replay();

        Await.until(patience(), () -> "replayed: " + handled, () -> handled.size() == 3);
        assertThat(handled).containsExactly(0, 2, 1);
    }

    @Test
    void aDuplicateMessageIsHandledOnceByTheIdempotentConsumer() {
        String ch = channel("dedup");
        List<Integer> handled = new CopyOnWriteArrayList<>();
        Messaging consumer = messaging("billing", ProcessedMessages.inMemory(1000));
        consumer.subscribe(ch, OrderCreated.class, "billing", e -> handled.add(e.seq()));
        JsonCodec json = JsonCodec.create();
        Message once = Message.builder().id("same-id").channel(ch).type("OrderCreated").partitionKey("o-1")
                .contentType(json.mediaType()).payload(json.encode(new OrderCreated("o-1", 1), OrderCreated.class)).build();

        broker.send(once).join();
        broker.send(once).join(); // a sender's retry, or a redelivery: same id
        broker.send(once.toBuilder().id("other-id").build()).join();

        Await.until(patience(), () -> "handled: " + handled + ", skipped " + consumer.duplicatesSkipped(),
                () -> handled.size() == 2 && consumer.duplicatesSkipped() == 1);
        assertThat(handled).containsExactly(1, 1);
    }

    @Test
    void aPoisonMessageIsDeadLetteredAtOnceAndTheConsumerGoesOn() {
        String ch = channel("poison");
        List<Integer> handled = new CopyOnWriteArrayList<>();
        messaging("billing").subscribe(ch, OrderCreated.class, "billing", e -> handled.add(e.seq()));
        List<Message> dead = new CopyOnWriteArrayList<>();
        broker.subscribe(Messaging.deadLetterChannel(ch, "billing"), "inspect", d -> { dead.add(d.message()); d.ack(); });

        try (LogCapture log = LogCapture.start()) {
            broker.send(Message.builder().channel(ch).type("OrderCreated").partitionKey("o-1")
                    .contentType("application/json").payload("{not json".getBytes()).build()).join();
            messaging("order-service").publish(ch, new OrderCreated("o-1", 7), "o-1");

            Await.until(patience(), "dead letter and the next event", () -> dead.size() == 1 && handled.size() == 1);
            assertDeadLetteringLoggedOnce(log, ch, "undecodable");
        }
        assertThat(dead.get(0).headers().get(MessageHeaders.DEAD_LETTER_REASON).orElseThrow()).contains("undecodable");
        assertThat(dead.get(0).headers().get(MessageHeaders.DEAD_LETTER_ATTEMPTS)).hasValue("1");
        assertThat(handled).containsExactly(7);
    }

    @Test
    void aPoisonMessageWithAHugeHeaderIsLoggedInOneLineOfBoundedLength() {
        String ch = channel("poison-huge");
        String key = "k".repeat(20_000); // a foreign producer's partition key
        List<Integer> handled = new CopyOnWriteArrayList<>();
        messaging("billing").subscribe(ch, OrderCreated.class, "billing", e -> handled.add(e.seq()));
        List<Message> dead = new CopyOnWriteArrayList<>();
        broker.subscribe(Messaging.deadLetterChannel(ch, "billing"), "inspect", d -> { dead.add(d.message()); d.ack(); });

        try (LogCapture log = LogCapture.start()) {
            broker.send(Message.builder().channel(ch).type("OrderCreated").partitionKey(key)
                    .contentType("application/json").payload("{not json".getBytes()).build()).join();
            messaging("order-service").publish(ch, new OrderCreated("o-1", 7), key);

            Await.until(patience(), "dead letter and the next event", () -> dead.size() == 1 && handled.size() == 1);
            assertDeadLetteringLoggedOnce(log, ch, "undecodable");
            assertThat(log.lines()).as("no line carries the whole header").allSatisfy(line ->
                    assertThat(line.length()).isLessThan(2_000));
        }
        assertThat(dead.get(0).partitionKey()).as("the dead letter keeps it whole").hasValue(key);
        assertThat(dead.get(0).headers().get(MessageHeaders.DEAD_LETTER_REASON).orElseThrow()).contains("undecodable")
                .hasSizeLessThan(2_000);
        assertThat(handled).containsExactly(7);
    }

    @Test
    void anExpiredMessageIsNotHandled() {
        String ch = channel("expired");
        List<Integer> handled = new CopyOnWriteArrayList<>();
        Messaging consumer = messaging("billing");
        consumer.subscribe(ch, OrderCreated.class, "billing", e -> handled.add(e.seq()));
        JsonCodec json = JsonCodec.create();
        Message.Builder event = Message.builder().channel(ch).type("OrderCreated").partitionKey("o-1")
                .contentType(json.mediaType());

        broker.send(event.deadline(io.courier.Deadline.after(Duration.ofMillis(-1)))
                .payload(json.encode(new OrderCreated("o-1", 1), OrderCreated.class)).build()).join();
        broker.send(event.id("fresh").deadline(null)
                .payload(json.encode(new OrderCreated("o-1", 2), OrderCreated.class)).build()).join();

        Await.until(patience(), "the fresh event", () -> handled.size() == 1 && consumer.expiredDropped() == 1);
        assertThat(handled).containsExactly(2);
    }

    /**
     * A dead letter is expected: Courier logs one WARN line naming the channel and the reason, and
     * no ERROR. (A broker's own client library may say more at WARN; that is its business.)
     */
    private static void assertDeadLetteringLoggedOnce(LogCapture log, String channel, String reason) {
        assertThat(log.lines("WARN")).as("%s", log).filteredOn(line -> line.contains(" io.courier.")).singleElement()
                .asString().contains(channel + " group billing: dead-lettering").contains(reason);
        assertThat(log.lines("ERROR")).as("%s", log).filteredOn(line -> line.contains(" io.courier.")).isEmpty();
    }
}
