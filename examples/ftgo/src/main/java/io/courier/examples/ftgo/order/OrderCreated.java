package io.courier.examples.ftgo.order;

import io.courier.examples.ftgo.Money;

/** The event the order service publishes for every order it accepts. */
public record OrderCreated(String orderId, long consumerId, String restaurant, Money total) {
}
