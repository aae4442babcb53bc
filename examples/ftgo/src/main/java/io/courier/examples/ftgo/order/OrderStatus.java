package io.courier.examples.ftgo.order;

/**
 * One step of an order after it was accepted, as the status stream tells it: {@code APPROVED},
 * then each service that handled its {@code OrderCreated} event.
 */
public record OrderStatus(String orderId, String step, String detail) {
}
