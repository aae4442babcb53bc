package io.courier.examples.ftgo.order;

import io.courier.examples.ftgo.Money;

/** One dish of an order. */
public record LineItem(String dish, int quantity, Money price) {
}
