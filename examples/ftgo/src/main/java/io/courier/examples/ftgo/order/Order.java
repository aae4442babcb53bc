package io.courier.examples.ftgo.order;

import io.courier.examples.ftgo.Money;
import io.courier.examples.ftgo.delivery.DeliveryQuote;
import java.time.Instant;
import java.util.List;

/**
 * An accepted order, with what the other services said about it: the card authorisation, the
 * kitchen's ticket and the delivery quote chosen among the couriers'.
 */
public record Order(String id, long consumerId, String restaurant, List<LineItem> items, Money total,
                    State state, String authorizationId, String ticketId, DeliveryQuote delivery,
                    Instant createdAt) {
    /** Where an order is in its life. */
    public enum State { APPROVED }
}
