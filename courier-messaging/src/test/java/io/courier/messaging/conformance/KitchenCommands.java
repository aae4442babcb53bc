package io.courier.messaging.conformance;

import io.courier.annotation.Get;
import io.courier.annotation.Header;
import io.courier.annotation.OneWay;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The contract the conformance suite sends commands through. */
@Service("kitchen")
public interface KitchenCommands {
    /** A one-way notification. */
    @OneWay
    void notifyDelay(@Header("x-order") String orderId, Delay delay);

    /** Async request/response. */
    CompletableFuture<Ticket> createTicket(TicketRequest request);

    /** Async request/response with a path parameter and no body. */
    @Get("/tickets/{id}")
    CompletableFuture<Ticket> ticket(@Path("id") String id);

    /** Request/response waiting for the reply. */
    Ticket cancel(TicketRequest request);

    record Delay(int minutes) {
    }

    record TicketRequest(String orderId, List<String> items) {
    }

    record Ticket(String id, String orderId, int items) {
    }
}
