package io.courier.examples.ftgo.delivery;

import io.courier.InvalidArgumentException;
import io.courier.examples.ftgo.Money;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The delivery service: a few couriers, each answering quote requests as itself
 * ({@link #quote}), and the quotes they gave. Thread-safe.
 */
public final class Couriers implements DeliveryService {
    /** The couriers on duty. */
    public static final List<String> ON_DUTY = List.of("courier-anna", "courier-ben", "courier-chloe");

    private record Offer(Money fee, int minutes) {
    }

    private static final Map<String, Offer> OFFERS = Map.of(
            "courier-anna", new Offer(Money.euros("4.50"), 25),
            "courier-ben", new Offer(Money.euros("3.90"), 35),
            "courier-chloe", new Offer(Money.euros("5.20"), 20));

    private final Map<String, CopyOnWriteArrayList<DeliveryQuote>> given = new ConcurrentHashMap<>();

    /** The quote of {@code courier} (one of {@link #ON_DUTY}) for {@code request}. */
    public DeliveryQuote quote(String courier, QuoteRequest request) {
        Offer offer = OFFERS.get(courier);
        if (offer == null) {
            throw new InvalidArgumentException("courier: " + courier + " (expected: one of " + ON_DUTY + ")");
        }
        DeliveryQuote quote = new DeliveryQuote(courier, request.orderId(), offer.fee(), offer.minutes());
        // A request may come twice (at-least-once delivery): the quote is kept once.
        given.computeIfAbsent(request.orderId(), id -> new CopyOnWriteArrayList<>()).addIfAbsent(quote);
        return quote;
    }

    @Override
    public List<DeliveryQuote> quotes(String orderId) {
        List<DeliveryQuote> list = given.get(orderId);
        return list == null ? List.of() : List.copyOf(list);
    }
}
