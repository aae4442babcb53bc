package io.courier.examples.ftgo.delivery;

import io.courier.examples.ftgo.Money;

/** One courier's offer to deliver an order: the fee and the minutes to the door. */
public record DeliveryQuote(String courier, String orderId, Money fee, int minutes) {
}
