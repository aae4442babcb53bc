package io.courier.examples.ftgo.order;

import io.courier.examples.ftgo.Money;
import java.time.Instant;
import java.util.List;

/** An accepted order. */
public record Order(String id, long consumerId, String restaurant, List<LineItem> items, Money total,
                    State state, Instant createdAt) {
    /** Where an order is in its life. */
    public enum State { APPROVED }
}
