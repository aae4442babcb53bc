package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.ConflictException;
import io.courier.DeadlineExceededException;
import io.courier.Status;
import io.courier.json.JsonCodec;
import io.courier.messaging.conformance.KitchenCommands.Ticket;
import io.courier.messaging.conformance.KitchenCommands.TicketRequest;
import io.courier.messaging.conformance.KitchenCommands;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replies that come late, twice, or never: the caller sees exactly one outcome each time. */
class ReplyOutcomeTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private final FakeClock time = FakeClock.create();
    private final JsonCodec json = JsonCodec.create();
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final Messaging messaging = Messaging.builder().name("order-service").broker(broker).codec(json)
            .ticker(time).scheduler(time).build();
    private final List<Message> commands = new CopyOnWriteArrayList<>();
    private KitchenCommands kitchen;

    @BeforeEach
    void fakeKitchen() {
        // A kitchen written by hand on the broker, so the test decides when and how often it answers.
        broker.subscribe(Messaging.commandChannel(KitchenCommands.class), "kitchen", d -> {
            commands.add(d.message());
            d.ack();
        });
        kitchen = messaging.commands(KitchenCommands.class, Duration.ofSeconds(2));
    }

    @AfterEach
    void close() {
        messaging.close();
        broker.close();
    }

    private Message command() {
        Await.until(PATIENCE, "the command", () -> !commands.isEmpty());
        return commands.get(0);
    }

    private void answer(Message command, Ticket ticket) {
        broker.send(Message.builder().channel(command.replyTo().orElseThrow()).correlationId(command.id())
                .source("kitchen").contentType(json.mediaType()).header(MessageHeaders.STATUS, "OK")
                .payload(json.encode(ticket, Ticket.class)).build()).join();
    }

    @Test
    void aReplyAfterTheDeadlineIsDroppedAndTheCallerKeepsDeadlineExceeded() {
        CompletableFuture<Ticket> ticket = kitchen.createTicket(new TicketRequest("o-1", List.of("soup")));
        Message command = command();
        assertThat(command.deadline().orElseThrow().remaining()).isEqualTo(Duration.ofSeconds(2));

        time.advance(Duration.ofSeconds(2));
        assertThatThrownBy(ticket::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(DeadlineExceededException.class);

        answer(command, new Ticket("t-1", "o-1", 1));

        Await.until(PATIENCE, "the late reply dropped", () -> messaging.droppedReplies() == 1);
        assertThatThrownBy(ticket::join).hasCauseInstanceOf(DeadlineExceededException.class);
    }

    @Test
    void aSecondReplyIsDroppedAndTheFirstStands() {
        CompletableFuture<Ticket> ticket = kitchen.createTicket(new TicketRequest("o-1", List.of("soup")));
        Message command = command();

        answer(command, new Ticket("first", "o-1", 1));
        answer(command, new Ticket("second", "o-1", 1));

        Await.until(PATIENCE, "the duplicate dropped", () -> messaging.droppedReplies() == 1);
        assertThat(ticket.join().id()).isEqualTo("first");
        assertThat(time.pendingTasks()).as("the deadline timer is cancelled").isZero();
        time.advance(Duration.ofSeconds(5));
        assertThat(ticket.join().id()).isEqualTo("first");
    }

    @Test
    void noReplyEndsAtTheDeadlineOnce() {
        CompletableFuture<Ticket> ticket = kitchen.createTicket(new TicketRequest("o-1", List.of("soup")));
        command();

        time.advance(Duration.ofMillis(1999));
        assertThat(ticket).isNotDone();
        time.advance(Duration.ofMillis(1));

        assertThatThrownBy(ticket::join).hasCauseInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("kitchen.createTicket");
        assertThat(time.pendingTasks()).isZero();
        assertThat(messaging.droppedReplies()).isZero();
    }

    @Test
    void anErrorReplyIsTheTypedErrorAndALaterReplyIsDropped() {
        CompletableFuture<Ticket> ticket = kitchen.createTicket(new TicketRequest("o-1", List.of("soup")));
        Message command = command();

        broker.send(Message.builder().channel(command.replyTo().orElseThrow()).correlationId(command.id())
                .header(MessageHeaders.STATUS, Status.ALREADY_EXISTS.name())
                .header(MessageHeaders.ERROR_MESSAGE, "ticket for o-1 exists")
                .header(MessageHeaders.ERROR_DETAIL_PREFIX + "ticket", "t-7").build()).join();
        answer(command, new Ticket("t-1", "o-1", 1));

        Await.until(PATIENCE, "the second reply dropped", () -> messaging.droppedReplies() == 1);
        assertThatThrownBy(ticket::join).cause().isInstanceOf(ConflictException.class)
                .hasMessage("ticket for o-1 exists")
                .satisfies(e -> assertThat(((ConflictException) e).details()).containsEntry("ticket", "t-7"));
    }

    @Test
    void closingFailsTheRequestsStillWaiting() {
        CompletableFuture<Ticket> ticket = kitchen.createTicket(new TicketRequest("o-1", List.of("soup")));
        command();

        messaging.close();

        assertThatThrownBy(ticket::join).hasCauseInstanceOf(io.courier.CancelledException.class);
    }
}
