package io.courier.examples.ftgo.order;

import java.util.List;

/** What a consumer asks for. */
public record NewOrder(long consumerId, String restaurant, List<LineItem> items) {
}
