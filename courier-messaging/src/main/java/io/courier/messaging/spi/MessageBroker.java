package io.courier.messaging.spi;

import io.courier.messaging.Message;
import io.courier.messaging.Subscription;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A message broker as Courier uses it: send to a channel, consume a channel as a member of a
 * group, settle each delivery. An adapter (Kafka, RabbitMQ, the in-memory broker) implements
 * this interface and passes the conformance suite
 * ({@code io.courier.messaging.conformance.MessageBrokerConformanceTest} in
 * {@code courier-messaging}'s test jar).
 *
 * <h2>Channels and groups</h2>
 * A channel is a named stream of messages (a Kafka topic; a RabbitMQ exchange). Consumers
 * subscribe with a group (a Kafka consumer group; a RabbitMQ queue bound to the exchange):
 * <ul>
 *   <li>every group gets every message sent to the channel after the group was first
 *       subscribed; messages sent while a channel has no group at all are kept for the first
 *       group (so a command sent before its handler started is not lost);</li>
 *   <li>inside a group, consumers compete: each message goes to one of them.</li>
 * </ul>
 * Publish/subscribe is one group per subscribing service; point-to-point (commands) is a
 * single group, the serving service's, on the service's command channel.
 *
 * <h2>What an adapter guarantees</h2>
 * <ul>
 *   <li><b>At least once.</b> A message is delivered to each group until one of the group's
 *       consumers {@linkplain Delivery#ack() acknowledges} it. It is delivered again after a
 *       {@linkplain Delivery#nack() nack}, when the handler throws, and when the consumer's
 *       subscription closes or its process dies before acknowledging. Consumers must therefore
 *       tolerate duplicates (see {@link io.courier.messaging.ProcessedMessages}).</li>
 *   <li><b>Order per partition key.</b> A channel has a fixed number of partitions; the
 *       partition of a message is chosen from its {@linkplain Message#partitionKey() key}, so
 *       messages with the same key share a partition (messages without a key may go to any).
 *       Inside a group, each partition is consumed by one consumer at a time, and its messages
 *       are handed to the {@link DeliveryHandler} in the order they were sent, one call at a
 *       time. A redelivery restarts from the earliest unacknowledged message of the partition,
 *       in order.</li>
 *   <li><b>Settling out of order.</b> The broker may hand over further messages of a partition
 *       before the earlier ones are acknowledged (up to a bounded number per partition), and
 *       accepts acknowledgements in any order. This is what lets a consumer park one failing
 *       key while other keys of the same partition go on.</li>
 *   <li><b>Whole messages.</b> Payloads of at least 1 MiB, and every envelope field and user
 *       header, arrive unchanged.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe. Closing the broker closes every subscription and ends
 * every thread the broker started.
 */
public interface MessageBroker extends AutoCloseable {
    /**
     * Sends {@code message} to its {@linkplain Message#channel() channel}. The future completes
     * once the broker has accepted the message (it will not be lost from then on), or
     * exceptionally with an {@link io.courier.UnavailableException} when it could not be sent, or
     * an {@link io.courier.InvalidArgumentException} when the broker refuses this message itself
     * (larger than it takes, a channel name it does not accept): sent again, it is refused again.
     *
     * <p>A reply (a message with a {@link io.courier.messaging.MessageHeaders#STATUS} header)
     * never creates its channel: it goes only to a channel that exists (its requester made it by
     * subscribing), else the future fails with {@link ReplyChannelNotFoundException}. A request's
     * reply-to comes from whoever sent the request, and replies that created channels would let
     * any producer fill the broker with them.
     */
    CompletableFuture<Void> send(Message message);

    /**
     * Starts consuming {@code channel} as a member of {@code group}, handing deliveries to
     * {@code handler} until the subscription is closed.
     */
    Subscription subscribe(String channel, String group, DeliveryHandler handler);

    /**
     * How many messages of {@code channel} this broker's consumers in {@code group} have not yet
     * fetched, summed over the partitions they hold, if the broker can tell (empty otherwise, and
     * before the consumers' first fetch). For metrics; must be quick. Empty by default.
     */
    default OptionalLong consumerLag(String channel, String group) {
        return OptionalLong.empty();
    }

    /**
     * The lag of {@code group} on each partition of {@code channel}, by partition number, as the
     * broker keeps it for the whole group (not only this instance's consumers): Kafka's end
     * offsets minus the group's committed offsets, RabbitMQ's message count of each partition
     * queue of the group. Asks the broker, so it may take a moment; empty when the broker cannot
     * tell or the channel or group does not exist. Empty by default.
     *
     * @throws io.courier.UnavailableException when the broker does not answer
     */
    default Map<Integer, Long> partitionLag(String channel, String group) {
        return Map.of();
    }

    /**
     * Why this broker cannot carry messages now (not connected, a consumer without its group
     * assignment, closed), or empty when it can. For readiness probes: must be quick, reading
     * a state the adapter keeps. Empty by default.
     */
    default Optional<String> notReady() {
        return Optional.empty();
    }

    /** Closes every subscription and releases the broker's threads and connections. */
    @Override
    void close();
}
