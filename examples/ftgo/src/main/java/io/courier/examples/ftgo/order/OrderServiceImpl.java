package io.courier.examples.ftgo.order;

import io.courier.InvalidArgumentException;
import io.courier.NotFoundException;
import io.courier.examples.ftgo.Money;
import io.courier.examples.ftgo.consumer.ConsumerService;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The order service: validates each order with the consumer service before accepting it. */
public final class OrderServiceImpl implements OrderService {
    private final ConsumerService consumers;
    private final Map<String, Order> orders = new ConcurrentHashMap<>();

    /** An order service that calls {@code consumers} (a Courier client). */
    public OrderServiceImpl(ConsumerService consumers) {
        this.consumers = consumers;
    }

    @Override
    public Order create(NewOrder order) {
        if (order.items() == null || order.items().isEmpty()) {
            throw new InvalidArgumentException("items: empty (expected: at least one line item)");
        }
        Money total = total(order);
        // A blocking call on this handler's virtual thread; it inherits what is left of our deadline.
        consumers.validateOrder(order.consumerId(), total);
        Order accepted = new Order(UUID.randomUUID().toString(), order.consumerId(), order.restaurant(), order.items(),
                total, Order.State.APPROVED, Instant.now());
        orders.put(accepted.id(), accepted);
        return accepted;
    }

    @Override
    public CompletableFuture<Order> get(String id) {
        Order o = orders.get(id);
        return o != null ? CompletableFuture.completedFuture(o)
                : CompletableFuture.failedFuture(new NotFoundException("order " + id + " does not exist"));
    }

    private static Money total(NewOrder order) {
        BigDecimal sum = BigDecimal.ZERO;
        String currency = order.items().get(0).price().currency();
        for (LineItem item : order.items()) {
            sum = sum.add(item.price().amount().multiply(BigDecimal.valueOf(item.quantity())));
        }
        return new Money(sum, currency);
    }
}
