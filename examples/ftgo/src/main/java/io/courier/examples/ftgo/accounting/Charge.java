package io.courier.examples.ftgo.accounting;

import io.courier.examples.ftgo.Money;

/** An amount taken from a consumer's card for an order. */
public record Charge(String orderId, String authorizationId, Money amount) {
}
