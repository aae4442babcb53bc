package io.courier.examples.ftgo.delivery;

/** A call for delivery quotes, sent to every courier at once (scatter-gather). */
public record QuoteRequest(String orderId, String restaurant) {
}
