package io.courier.examples.ftgo.accounting;

import io.courier.examples.ftgo.Money;

/** An amount held on a consumer's card for an order, charged once the order is created. */
public record Authorization(String id, String orderId, long consumerId, Money amount) {
}
