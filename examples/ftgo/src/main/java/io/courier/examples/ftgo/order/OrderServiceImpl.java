package io.courier.examples.ftgo.order;

import io.courier.CourierException;
import io.courier.FailedPreconditionException;
import io.courier.InternalException;
import io.courier.NotFoundException;
import io.courier.UnavailableException;
import io.courier.examples.ftgo.Money;
import io.courier.examples.ftgo.Timings;
import io.courier.examples.ftgo.accounting.AccountingService;
import io.courier.examples.ftgo.accounting.Authorization;
import io.courier.examples.ftgo.accounting.CardAuthorization;
import io.courier.examples.ftgo.consumer.ConsumerService;
import io.courier.examples.ftgo.delivery.DeliveryQuote;
import io.courier.examples.ftgo.delivery.QuoteRequest;
import io.courier.examples.ftgo.kitchen.KitchenService;
import io.courier.examples.ftgo.kitchen.Ticket;
import io.courier.examples.ftgo.kitchen.TicketRequest;
import io.courier.examples.ftgo.notification.Notice;
import io.courier.examples.ftgo.notification.NotificationService;
import io.courier.messaging.Messaging;
import io.courier.messaging.Replies;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The order service. Creating an order uses every interaction style: the consumer service
 * checks the order (sync, gRPC), accounting authorises the card (sync, REST), the kitchen
 * opens a ticket (async command over the broker) while the couriers quote for the delivery
 * (scatter-gather), then {@link OrderCreated} is published and the consumer notified (one-way
 * command). Thread-safe.
 */
public final class OrderServiceImpl implements OrderService {
    /** How many couriers are asked for a quote, and how long the order service waits for them. */
    public static final int COURIERS = 3;
    public static final Duration QUOTE_WAIT = Duration.ofSeconds(1);

    private final ConsumerService consumers;
    private final AccountingService accounting;
    private final Messaging messaging;
    private final KitchenService kitchen;
    private final NotificationService notifications;
    private final OrderStore store;
    private final Timings timings;
    private final Map<String, Order> orders = new ConcurrentHashMap<>();

    /**
     * An order service calling {@code consumers} and {@code accounting} (Courier clients) and
     * sending its messages through {@code messaging}, keeping orders in memory.
     */
    public OrderServiceImpl(ConsumerService consumers, AccountingService accounting, Messaging messaging) {
        this(consumers, accounting, messaging, OrderStore.inMemory(), new Timings());
    }

    /**
     * As {@link #OrderServiceImpl(ConsumerService, AccountingService, Messaging)}, saving each
     * accepted order and publishing its event through {@code store}, and timing each call it
     * makes in {@code timings}.
     */
    public OrderServiceImpl(ConsumerService consumers, AccountingService accounting, Messaging messaging,
                            OrderStore store, Timings timings) {
        this.consumers = consumers;
        this.accounting = accounting;
        this.messaging = messaging;
        this.store = store;
        this.timings = timings;
        this.kitchen = messaging.commands(KitchenService.class, Duration.ofSeconds(10));
        this.notifications = messaging.commands(NotificationService.class);
    }

    @Override
    public Order create(NewOrder order) {
        OrderChecks.check(order);
        Money total = total(order);
        // Blocking calls on this handler's virtual thread; they inherit what is left of our deadline.
        try {
            timed("grpc", () -> {
                consumers.validateOrder(order.consumerId(), total);
                return null;
            });
        } catch (NotFoundException | FailedPreconditionException e) {
            // The consumer service's answer, made ours on purpose: an error a downstream call raises
            // and a handler lets escape reaches its caller only as this hop's failure, without its text.
            throw e instanceof NotFoundException
                    ? new NotFoundException("consumer " + order.consumerId() + " does not exist")
                    : new FailedPreconditionException(e.getMessage(), e.details());
        }
        String id = UUID.randomUUID().toString();
        Authorization card = timed("rest", () -> accounting.authorize(new CardAuthorization(id, order.consumerId(), total)));

        // The kitchen and the couriers work at the same time; the order waits for both.
        long sent = System.nanoTime();
        CompletableFuture<Ticket> ticket = kitchen.createTicket(new TicketRequest(id, order.restaurant(), order.items()))
                .whenComplete((t, e) -> timings.record("command", System.nanoTime() - sent));
        CompletableFuture<Replies<DeliveryQuote>> quotes = messaging.scatter(
                new QuoteRequest(id, order.restaurant()), DeliveryQuote.class, COURIERS, QUOTE_WAIT)
                .whenComplete((r, e) -> timings.record("scatter", System.nanoTime() - sent));
        DeliveryQuote delivery = await(quotes).values().stream()
                .min(Comparator.comparing((DeliveryQuote q) -> q.fee().amount()).thenComparing(DeliveryQuote::courier))
                .orElseThrow(() -> new UnavailableException("no courier quoted for order " + id + " within "
                        + QUOTE_WAIT.toMillis() + " ms"));
        Order accepted = new Order(id, order.consumerId(), order.restaurant(), order.items(), total,
                Order.State.APPROVED, card.id(), await(ticket).id(), delivery, Instant.now());
        // The event leaves with the order: in the same transaction when the store has one (the outbox).
        store.save(accepted, () -> messaging.publish(new OrderCreated(id, order.consumerId(), order.restaurant(), total), id));
        orders.put(id, accepted);
        notifications.send(new Notice(order.consumerId(), id, "Order " + id + " is on its way with "
                + delivery.courier() + ", at your door in " + delivery.minutes() + " min"));
        return accepted;
    }

    @Override
    public CompletableFuture<Order> get(String id) {
        Order o = orders.get(id);
        return o != null ? CompletableFuture.completedFuture(o)
                : CompletableFuture.failedFuture(new NotFoundException("order " + id + " does not exist"));
    }

    @Override
    public Stream<OrderStatus> status(String id) {
        Order o = orders.get(id);
        if (o == null) {
            throw new NotFoundException("order " + id + " does not exist");
        }
        return store.progress(o);
    }

    private <T> T timed(String style, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            timings.record(style, System.nanoTime() - start);
        }
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            // The typed error of the service that answered, as it came.
            if (e.getCause() instanceof CourierException c) {
                throw c;
            }
            throw new InternalException("order: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InternalException("order: interrupted while waiting for the kitchen or the couriers");
        }
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
