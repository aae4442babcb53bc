package io.courier.messaging.spi;

import io.courier.messaging.Message;

/**
 * One delivery of a message to one consumer, with the means to settle it. Exactly one of
 * {@link #ack()} or {@link #nack()} should be called, from any thread, at any later time;
 * calls after the first do nothing. Thread-safe.
 *
 * <pre>{@code
 * broker.subscribe("orders", "billing", delivery -> {
 *     bill(delivery.message());
 *     delivery.ack();
 * });
 * }</pre>
 */
public interface Delivery {
    /** The message delivered. */
    Message message();

    /**
     * How many times this message has been delivered to this group, this delivery included:
     * 1 the first time, more after a nack or a consumer's failure.
     */
    int deliveryCount();

    /**
     * The message is handled: the broker will not deliver it to this group again. Does nothing
     * once the subscription is closed (the message is then delivered again).
     */
    void ack();

    /**
     * The message was not handled: the broker delivers it again, together with every message
     * of its partition that was delivered after it and is not yet acknowledged, in order.
     */
    void nack();
}
