package io.courier.messaging.spi;

/**
 * Receives the deliveries of a subscription. The broker calls it for one partition at a time in
 * the partition's order, never concurrently for the same partition (different partitions may
 * be delivered concurrently). The handler may settle each delivery before it returns or later,
 * from another thread; a handler that throws has its delivery {@linkplain Delivery#nack()
 * nacked}.
 */
@FunctionalInterface
public interface DeliveryHandler {
    /** Handles, or starts handling, one delivery. */
    void onDelivery(Delivery delivery);
}
