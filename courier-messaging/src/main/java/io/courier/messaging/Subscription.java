package io.courier.messaging;

/**
 * A running consumer of a channel. Closing it stops deliveries to it; messages handed to it
 * and not yet acknowledged are delivered again to another consumer of its group (or to the
 * next one that subscribes). Thread-safe; closing twice does nothing.
 *
 * <pre>{@code
 * try (Subscription s = messaging.subscribe(OrderCreated.class, "billing", this::bill)) {
 *     ...
 * }
 * }</pre>
 */
public interface Subscription extends AutoCloseable {
    /** The channel consumed. */
    String channel();

    /** The subscriber group this consumer belongs to. */
    String group();

    /**
     * Stops consuming: no delivery starts after this returns. A handler still running is not
     * waited for; its message counts as unacknowledged and is delivered again.
     */
    @Override
    void close();
}
