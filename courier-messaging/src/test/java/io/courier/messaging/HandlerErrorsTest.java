package io.courier.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.CourierException;
import io.courier.InternalException;
import io.courier.NotFoundException;
import io.courier.Status;
import io.courier.UnavailableException;
import io.courier.json.JsonCodec;
import io.courier.messaging.conformance.KitchenCommands;
import io.courier.messaging.conformance.KitchenCommands.Delay;
import io.courier.messaging.conformance.KitchenCommands.Ticket;
import io.courier.messaging.conformance.KitchenCommands.TicketRequest;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a command's caller gets for a handler's failure, honest per hop: the handler's own typed
 * error is the answer; a bug of its own code (an {@link IllegalArgumentException} included) is
 * retried, then dead-lettered; the error of a call the handler made is not passed on as its own.
 */
class HandlerErrorsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private final InMemoryBroker broker = InMemoryBroker.create();
    private final Messaging kitchenSide = Messaging.builder().name("kitchen").broker(broker).codec(JsonCodec.create())
            .retry(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(2)).build())
            .build();
    private final Messaging orderSide = Messaging.builder().name("orders").broker(broker).codec(JsonCodec.create()).build();
    private final Messaging stockSide = Messaging.builder().name("stock").broker(broker).codec(JsonCodec.create()).build();
    private final KitchenCommands kitchen = orderSide.commands(KitchenCommands.class, PATIENCE);
    private final AtomicInteger attempts = new AtomicInteger();

    @AfterEach
    void close() {
        orderSide.close();
        kitchenSide.close();
        stockSide.close();
        broker.close();
    }

    /** A kitchen whose {@code cancel} does what {@code cancel} is given. */
    private void kitchen(java.util.function.Function<TicketRequest, Ticket> cancel) {
        kitchenSide.handle(KitchenCommands.class, new KitchenCommands() {
            @Override
            public void notifyDelay(String orderId, Delay delay) {
            }

            @Override
            public CompletableFuture<Ticket> createTicket(TicketRequest request) {
                return CompletableFuture.completedFuture(new Ticket("t", request.orderId(), 0));
            }

            @Override
            public CompletableFuture<Ticket> ticket(String id) {
                return CompletableFuture.failedFuture(new NotFoundException("no ticket " + id));
            }

            @Override
            public Ticket cancel(TicketRequest request) {
                attempts.incrementAndGet();
                return cancel.apply(request);
            }
        });
    }

    @Test
    void anIllegalArgumentExceptionOfTheHandlersOwnCodeIsRetriedThenDeadLetteredNotTheCallersMistake() {
        kitchen(request -> {
            throw new IllegalArgumentException("items: " + request.items() + " (a bug in the kitchen)");
        });

        Throwable thrown;
        try (LogCapture log = LogCapture.start()) {
            thrown = catchThrowable(() -> kitchen.cancel(new TicketRequest("o-1", List.of("soup"))));
            assertThat(log.lines("WARN")).as("the consumer says it gave up, and why")
                    .anySatisfy(l -> assertThat(l).contains("dead-lettering").contains("after 3 attempts")
                            .contains("a bug in the kitchen"));
        }

        assertThat(attempts).as("every attempt of the retry policy").hasValue(3);
        assertThat(thrown).isInstanceOf(InternalException.class).hasMessageContaining("dead-lettered")
                .hasMessageNotContaining("a bug in the kitchen");
    }

    @Test
    void theHandlersOwnTypedErrorIsTheAnswerAtOnce() {
        kitchen(request -> {
            throw new NotFoundException("no order " + request.orderId());
        });

        Throwable thrown = catchThrowable(() -> kitchen.cancel(new TicketRequest("o-2", List.of())));

        assertThat(thrown).isInstanceOf(NotFoundException.class).hasMessageContaining("no order o-2");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aDownstreamRefusalIsRetriedAndAnyOtherDownstreamErrorIsNotPassedOnAsTheHandlersOwn() {
        // The kitchen's handler asks the stock service, by command, and lets its error escape.
        AtomicInteger stockCalls = new AtomicInteger();
        stockSide.handle(StockCommands.class, sku -> {
            if (stockCalls.incrementAndGet() == 1) {
                throw new UnavailableException("stock.db is down (retry later)"); // refused: retry-safe
            }
            throw new NotFoundException("no sku " + sku + " in warehouse-7");
        });
        StockCommands stock = kitchenSide.commands(StockCommands.class, PATIENCE);
        kitchen(request -> {
            stock.count(request.items().get(0));
            return new Ticket("t", request.orderId(), 1);
        });

        Throwable thrown;
        try (LogCapture log = LogCapture.start()) {
            thrown = catchThrowable(() -> kitchen.cancel(new TicketRequest("o-3", List.of("soup"))));
            Await.until(PATIENCE, "the kitchen logs what stock said", () -> log.lines("WARN").stream()
                    .anyMatch(l -> l.contains("warehouse-7")));
        }

        assertThat(attempts).as("the retry-safe refusal retried the command; the second error ended it").hasValue(2);
        assertThat(thrown).isInstanceOf(NotFoundException.class);
        CourierException error = (CourierException) thrown;
        assertThat(error.status()).isEqualTo(Status.NOT_FOUND);
        assertThat(error.retrySafe()).isFalse();
        assertThat(error.getMessage()).contains("kitchen.cancel").contains("error id").doesNotContain("warehouse-7");
    }

    /** A service the kitchen depends on. */
    @io.courier.annotation.Service("stock")
    public interface StockCommands {
        int count(String sku);
    }
}
