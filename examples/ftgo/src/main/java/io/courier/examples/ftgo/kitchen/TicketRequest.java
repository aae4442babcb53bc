package io.courier.examples.ftgo.kitchen;

import io.courier.examples.ftgo.order.LineItem;
import java.util.List;

/** What the order service asks the kitchen to cook. */
public record TicketRequest(String orderId, String restaurant, List<LineItem> items) {
}
