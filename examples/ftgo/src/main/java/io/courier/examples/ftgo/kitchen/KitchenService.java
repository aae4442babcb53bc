package io.courier.examples.ftgo.kitchen;

import io.courier.annotation.Get;
import io.courier.annotation.Path;
import io.courier.annotation.Service;
import java.util.concurrent.CompletableFuture;

/**
 * The kitchen service's contract. The order service sends {@link #createTicket} as a command
 * over the broker (async request/response); {@link #ticket} is read over REST or gRPC.
 */
@Service("kitchen")
public interface KitchenService {
    /** Opens a ticket for an order; the reply comes back through the future. */
    CompletableFuture<Ticket> createTicket(TicketRequest request);

    /** One ticket; {@code NotFoundException} when there is none with this id. */
    @Get("/tickets/{id}")
    Ticket ticket(@Path("id") String id);
}
