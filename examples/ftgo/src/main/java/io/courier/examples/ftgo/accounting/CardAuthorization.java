package io.courier.examples.ftgo.accounting;

import io.courier.examples.ftgo.Money;

/** The order service's request to hold {@code amount} on the consumer's card for an order. */
public record CardAuthorization(String orderId, long consumerId, Money amount) {
}
