package io.courier.examples.ftgo.kitchen;

import io.courier.NotFoundException;
import io.courier.examples.ftgo.order.LineItem;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The kitchen service: opens a ticket per order. Thread-safe. */
public final class Kitchen implements KitchenService {
    private final Map<String, Ticket> byOrder = new ConcurrentHashMap<>();
    private final Map<String, Ticket> byId = new ConcurrentHashMap<>();
    private final AtomicLong numbers = new AtomicLong();

    @Override
    public CompletableFuture<Ticket> createTicket(TicketRequest request) {
        // A command may come twice (at-least-once delivery): the same order keeps its ticket.
        Ticket ticket = byOrder.computeIfAbsent(request.orderId(), orderId -> {
            Ticket t = new Ticket("T-" + numbers.incrementAndGet(), orderId, request.restaurant(),
                    request.items().stream().map(i -> i.quantity() + " x " + i.dish()).toList(),
                    10 + 5 * request.items().stream().mapToInt(LineItem::quantity).sum());
            byId.put(t.id(), t);
            return t;
        });
        return CompletableFuture.completedFuture(ticket);
    }

    @Override
    public Ticket ticket(String id) {
        Ticket t = byId.get(id);
        if (t == null) {
            throw new NotFoundException("ticket " + id + " does not exist");
        }
        return t;
    }
}
