package io.courier.examples.ftgo.notification;

/** A message to a consumer about one of their orders. */
public record Notice(long consumerId, String orderId, String text) {
}
