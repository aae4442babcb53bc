package io.courier.examples.ftgo.accounting;

import io.courier.FailedPreconditionException;
import io.courier.examples.ftgo.Money;
import io.courier.examples.ftgo.order.OrderCreated;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The accounting service: authorises cards up to a fixed amount, and charges an authorisation
 * when its order is created ({@link #onOrderCreated}, subscribed to the event). Thread-safe.
 */
public final class Accounting implements AccountingService {
    private static final Money CARD_LIMIT = Money.euros("500.00");

    private final Map<String, Authorization> byOrder = new ConcurrentHashMap<>();
    private final Map<Long, List<Charge>> charges = new ConcurrentHashMap<>();
    private final AtomicLong numbers = new AtomicLong();

    @Override
    public Authorization authorize(CardAuthorization request) {
        if (request.amount().exceeds(CARD_LIMIT)) {
            throw new FailedPreconditionException("card of consumer " + request.consumerId() + " declined for "
                    + request.amount().amount() + " " + request.amount().currency(),
                    Map.of("cardLimit", CARD_LIMIT.amount().toPlainString()));
        }
        return byOrder.computeIfAbsent(request.orderId(), orderId -> new Authorization(
                "A-" + numbers.incrementAndGet(), orderId, request.consumerId(), request.amount()));
    }

    @Override
    public List<Charge> charges(long consumerId) {
        return List.copyOf(charges.getOrDefault(consumerId, List.of()));
    }

    /** Charges the order's authorisation; an event delivered twice charges once. */
    public void onOrderCreated(OrderCreated event) {
        Authorization a = byOrder.get(event.orderId());
        if (a == null) {
            // Thrown so the broker redelivers: the authorisation is always made before the event.
            throw new IllegalStateException("no authorization for order " + event.orderId());
        }
        List<Charge> list = charges.computeIfAbsent(event.consumerId(), id -> new CopyOnWriteArrayList<>());
        synchronized (list) {
            if (list.stream().noneMatch(c -> c.orderId().equals(event.orderId()))) {
                list.add(new Charge(event.orderId(), a.id(), event.total()));
            }
        }
    }
}
