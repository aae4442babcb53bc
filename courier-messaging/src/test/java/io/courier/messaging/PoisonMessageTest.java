package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.InvalidArgumentException;
import io.courier.json.JsonCodec;
import io.courier.messaging.conformance.Events.OrderCreated;
import io.courier.messaging.conformance.KitchenCommands;
import io.courier.messaging.conformance.KitchenCommands.Delay;
import io.courier.messaging.conformance.KitchenCommands.Ticket;
import io.courier.messaging.conformance.KitchenCommands.TicketRequest;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.spi.Codec;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Undecodable payloads, missing headers and unknown types: dead-lettered with the reason, and the consumer goes on. */
class PoisonMessageTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private final JsonCodec json = JsonCodec.create();
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final Messaging kitchenService = Messaging.builder().name("kitchen-service").broker(broker).codec(json).build();
    private final Messaging orderService = Messaging.builder().name("order-service").broker(broker).codec(json).build();
    private final List<String> delays = new CopyOnWriteArrayList<>();
    private final List<DeadLetter> dead = new CopyOnWriteArrayList<>();
    private final String commands = Messaging.commandChannel(KitchenCommands.class);
    private final AtomicInteger handlerCalls = new AtomicInteger();
    private LogCapture log;

    @BeforeEach
    void serve() {
        log = LogCapture.start();
        kitchenService.handle(KitchenCommands.class, new KitchenCommands() {
            @Override
            public void notifyDelay(String orderId, Delay delay) {
                handlerCalls.incrementAndGet();
                delays.add(orderId + ":" + delay.minutes());
            }

            @Override
            public CompletableFuture<Ticket> createTicket(TicketRequest request) {
                handlerCalls.incrementAndGet();
                return CompletableFuture.completedFuture(new Ticket("t", request.orderId(), 0));
            }

            @Override
            public CompletableFuture<Ticket> ticket(String id) {
                handlerCalls.incrementAndGet();
                return CompletableFuture.completedFuture(new Ticket(id, "o", 0));
            }

            @Override
            public Ticket cancel(TicketRequest request) {
                throw new UnsupportedOperationException();
            }
        });
        kitchenService.deadLetters(commands, "kitchen", letter -> {
            dead.add(letter);
            letter.discard();
        });
    }

    @AfterEach
    void close() {
        orderService.close();
        kitchenService.close();
        broker.close();
        log.close();
        // A poison message is expected: one WARN line when it is dead-lettered, no stack trace.
        assertThat(log.lines("WARN")).as("%s", log).allSatisfy(line -> assertThat(line).contains(": dead-lettering "));
        assertThat(log.lines("ERROR")).as("%s", log).isEmpty();
        assertThat(log.stackTraceLines()).as("%s", log).isEmpty();
    }

    /** A valid one-way command, then changed by {@code spoil}. */
    private Message command(UnaryOperator<Message.Builder> spoil) {
        Message.Builder b = Message.builder().channel(commands).type("kitchen.notifyDelay").partitionKey("o-1")
                .contentType("application/json").header(MessageHeaders.PARAMETER_PREFIX + "x-order", "o-1")
                .payload(json.encode(new Delay(5), Delay.class));
        return spoil.apply(b).build();
    }

    private void assertDeadLetteredAndConsumerGoesOn(Message poison, String reason) {
        int before = dead.size();
        int handled = delays.size();
        broker.send(poison).join();
        orderService.commands(KitchenCommands.class).notifyDelay("o-1", new Delay(handled));

        Await.until(PATIENCE, () -> "dead letter for " + reason + ": " + dead,
                () -> dead.size() == before + 1 && delays.size() == handled + 1);
        DeadLetter letter = dead.get(before);
        assertThat(letter.message().id()).isEqualTo(poison.id());
        assertThat(letter.reason()).contains(reason);
        assertThat(letter.attempts()).isEqualTo(1);
        assertThat(letter.channel()).isEqualTo(commands);
        assertThat(delays.get(handled)).isEqualTo("o-1:" + handled);
        assertThat(log.lines("WARN")).as("%s", log).filteredOn(line -> line.contains(poison.id())).singleElement()
                .asString().contains("dead-lettering").contains(reason);
    }

    @Test
    void anUndecodablePayload() {
        assertDeadLetteredAndConsumerGoesOn(command(b -> b.payload("{\"minutes\": \"soon\"".getBytes(StandardCharsets.UTF_8))),
                "undecodable payload");
        assertThat(handlerCalls.get()).isEqualTo(1);
    }

    @Test
    void aMissingTypeHeader() {
        assertDeadLetteredAndConsumerGoesOn(command(b -> b.type(null)), "missing header courier-type");
    }

    @Test
    void aMissingContentTypeHeader() {
        assertDeadLetteredAndConsumerGoesOn(command(b -> b.contentType(null)), "missing header courier-content-type");
    }

    @Test
    void aMissingParameterHeader() {
        assertDeadLetteredAndConsumerGoesOn(command(b -> b.type("kitchen.ticket").headers(io.courier.Metadata.empty())),
                "courier-param-id");
    }

    @Test
    void aNullBodyForARequiredParameter() {
        assertDeadLetteredAndConsumerGoesOn(command(b -> b.payload("null".getBytes(StandardCharsets.UTF_8))),
                "kitchen.notifyDelay: body delay: missing (expected: a Delay;");
        assertThat(handlerCalls.get()).isEqualTo(1);
    }

    @Test
    void aCommandMissingARequiredComponent() {
        assertDeadLetteredAndConsumerGoesOn(command(b -> b.type("kitchen.createTicket")
                        .payload("{\"items\": [\"soup\"]}".getBytes(StandardCharsets.UTF_8))),
                "body request.orderId: missing (expected: a String;");
        assertThat(handlerCalls.get()).as("only the good command after it").isEqualTo(1);
    }

    @Test
    void theSenderRefusesANullRequiredArgumentBeforeSending() {
        KitchenCommands kitchen = orderService.commands(KitchenCommands.class);

        assertThatThrownBy(() -> kitchen.cancel(new TicketRequest(null, List.of())))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("kitchen.cancel: body request.orderId: missing");
        assertThatThrownBy(() -> kitchen.createTicket(null).join())
                .cause().isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("kitchen.createTicket: body request: missing");
        assertThat(handlerCalls.get()).isZero();
        assertThat(dead).isEmpty();
    }

    @Test
    void anUnknownType() {
        assertDeadLetteredAndConsumerGoesOn(command(b -> b.type("kitchen.bake")), "unknown type kitchen.bake");
    }

    @Test
    void aContentTypeWithoutCodec() {
        assertDeadLetteredAndConsumerGoesOn(command(b -> b.contentType("application/x-protobuf")), "has no codec");
    }

    @Test
    void aPoisonCommandThatExpectsAReplyAnswersTheCallerWithInvalidArgument() {
        // A sender whose codec writes garbage: the kitchen cannot read the command, and the
        // caller hears so at once instead of waiting for its deadline.
        Codec garbage = new Codec() {
            @Override
            public String mediaType() {
                return "application/json";
            }

            @Override
            public byte[] encode(Object value, Type type) {
                return "{oops".getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Object decode(byte[] bytes, Type type) {
                return json.decode(bytes, type);
            }
        };
        try (Messaging broken = Messaging.builder().name("broken").broker(broker).codec(garbage).build()) {
            CompletableFuture<Ticket> ticket = broken.commands(KitchenCommands.class)
                    .createTicket(new TicketRequest("o-2", List.of()));

            assertThatThrownBy(() -> ticket.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .cause().isInstanceOf(InvalidArgumentException.class).hasMessageContaining("undecodable payload");
            Await.until(PATIENCE, "the poison command dead-lettered", () -> dead.size() == 1);
            assertThat(dead.get(0).reason()).contains("undecodable payload");
            assertThat(handlerCalls.get()).isZero();
        }
    }

    @Test
    void anEventMissingARequiredComponentIsDeadLetteredAndTheSubscriberGoesOn() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        kitchenService.subscribe(OrderCreated.class, "kitchen", e -> handled.add(e.seq()));
        List<DeadLetter> letters = new CopyOnWriteArrayList<>();
        kitchenService.deadLetters("OrderCreated", "kitchen", letters::add);

        broker.send(Message.builder().channel("OrderCreated").type("OrderCreated").partitionKey("o-1")
                .contentType("application/json").payload("{\"seq\": 2}".getBytes(StandardCharsets.UTF_8)).build())
                .join();
        orderService.publish(new OrderCreated("o-1", 3), "o-1");

        Await.until(PATIENCE, "dead letter and the next event", () -> letters.size() == 1 && handled.size() == 1);
        assertThat(letters.get(0).reason()).contains(".orderId: missing (expected: a String;");
        assertThat(letters.get(0).attempts()).isEqualTo(1);
        assertThat(handled).containsExactly(3);
    }

    @Test
    void anEventOfAnUnknownTypeIsDeadLetteredAndTheSubscriberGoesOn() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        kitchenService.subscribe(OrderCreated.class, "kitchen", e -> handled.add(e.seq()));
        List<DeadLetter> letters = new CopyOnWriteArrayList<>();
        kitchenService.deadLetters("OrderCreated", "kitchen", letters::add);

        broker.send(Message.builder().channel("OrderCreated").type("OrderCancelled").partitionKey("o-1")
                .contentType("application/json").payload("{}".getBytes(StandardCharsets.UTF_8)).build()).join();
        orderService.publish(new OrderCreated("o-1", 3), "o-1");

        Await.until(PATIENCE, "dead letter and the next event", () -> letters.size() == 1 && handled.size() == 1);
        assertThat(letters.get(0).reason()).contains("unknown type OrderCancelled").contains("expected: OrderCreated");
        assertThat(handled).containsExactly(3);
    }
}
