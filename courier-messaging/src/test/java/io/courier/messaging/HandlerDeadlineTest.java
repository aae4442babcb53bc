package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.CallContext;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.json.JsonCodec;
import io.courier.messaging.conformance.KitchenCommands;
import io.courier.messaging.conformance.KitchenCommands.Delay;
import io.courier.messaging.conformance.KitchenCommands.Ticket;
import io.courier.messaging.conformance.KitchenCommands.TicketRequest;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.courier.test.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A command handler still running when its message's deadline passes is interrupted, and no reply is sent. */
class HandlerDeadlineTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private final FakeClock time = FakeClock.create();
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final Messaging kitchen = messaging("kitchen");
    private final Messaging orders = messaging("orders");
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final AtomicReference<Duration> leftAtStart = new AtomicReference<>();

    private Messaging messaging(String name) {
        return Messaging.builder().name(name).broker(broker).codec(JsonCodec.create()).ticker(time).scheduler(time)
                .build();
    }

    @AfterEach
    void close() {
        orders.close();
        kitchen.close();
        broker.close();
    }

    /** A kitchen whose createTicket waits until interrupted, and whose ticket answers at once. */
    private final class StuckKitchen implements KitchenCommands {
        @Override
        public void notifyDelay(String orderId, Delay delay) {
        }

        @Override
        public CompletableFuture<Ticket> createTicket(TicketRequest request) {
            leftAtStart.set(CallContext.current().deadline().map(Deadline::remaining).orElse(null));
            started.countDown();
            try {
                new CountDownLatch(1).await(); // the work that would outlive its caller
            } catch (InterruptedException e) {
                interrupted.set(true);
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.completedFuture(new Ticket("never", request.orderId(), 0));
        }

        @Override
        public CompletableFuture<Ticket> ticket(String id) {
            return CompletableFuture.completedFuture(new Ticket(id, "o-2", 1));
        }

        @Override
        public Ticket cancel(TicketRequest request) {
            return null;
        }
    }

    @Test
    void aHandlerRunningAtTheDeadlineIsInterruptedAndTheMessageIsSettledWithoutAReply() throws Exception {
        kitchen.handle(KitchenCommands.class, new StuckKitchen());
        KitchenCommands client = orders.commands(KitchenCommands.class, Duration.ofSeconds(2));

        CompletableFuture<Ticket> ticket = client.createTicket(new TicketRequest("o-1", List.of("soup")));
        assertThat(started.await(PATIENCE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
        assertThat(leftAtStart.get()).isEqualTo(Duration.ofSeconds(2));
        assertThat(interrupted).isFalse();

        time.advance(Duration.ofSeconds(2));

        Await.until(PATIENCE, "the handler interrupted", interrupted::get);
        assertThatThrownBy(ticket::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(DeadlineExceededException.class);
        Await.until(PATIENCE, "the message counted as expired", () -> kitchen.expiredDropped() == 1);

        // The kitchen goes on serving, and the stopped command sent no reply for the caller to drop.
        assertThat(client.ticket("t-2").get(PATIENCE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).id())
                .isEqualTo("t-2");
        assertThat(orders.droppedReplies()).isZero();
    }
}
