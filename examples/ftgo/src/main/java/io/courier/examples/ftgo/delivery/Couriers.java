package io.courier.examples.ftgo.delivery;

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
    /** The couriers on duty, each with a fee and a time to the door. */
    public static final List<DeliveryQuote> ON_DUTY = List.of(
            new DeliveryQuote("courier-anna", null, Money.euros("4.50"), 25),
            new DeliveryQuote("courier-ben", null, Money.euros("3.90"), 35),
            new DeliveryQuote("courier-chloe", null, Money.euros("5.20"), 20));

    private final Map<String, CopyOnWriteArrayList<DeliveryQuote>> given = new ConcurrentHashMap<>();

    /** The quote of {@code courier} (one of {@link #ON_DUTY}) for {@code request}. */
    public DeliveryQuote quote(String courier, QuoteRequest request) {
        DeliveryQuote offer = ON_DUTY.stream().filter(q -> q.courier().equals(courier)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("courier: " + courier + " (expected: one on duty)"));
        DeliveryQuote quote = new DeliveryQuote(courier, request.orderId(), offer.fee(), offer.minutes());
        given.computeIfAbsent(request.orderId(), id -> new CopyOnWriteArrayList<>()).addIfAbsent(quote);
        return quote;
    }

    @Override
    public List<DeliveryQuote> quotes(String orderId) {
        List<DeliveryQuote> list = given.get(orderId);
        return list == null ? List.of() : List.copyOf(list);
    }
}
