package io.courier.messaging;

import java.util.Objects;

/**
 * What happened to the messages of one group of one channel in a {@link Messaging} since it
 * subscribed: {@link Messaging#groupCounts()}.
 *
 * @param channel the channel consumed
 * @param group the consumer group
 * @param redelivered messages delivered to the group again by the broker (after a nack, a
 *     consumer's failure or a lost connection): deliveries whose
 *     {@link io.courier.messaging.spi.Delivery#deliveryCount()} was over 1
 * @param deadLetteredPoison messages the group could not take at all, sent to its dead-letter
 *     channel: a type it does not know, a payload it cannot decode, a message its interceptors
 *     refused for good
 * @param deadLetteredAfterRetries messages sent to its dead-letter channel after their last
 *     attempt failed
 */
public record GroupCounts(String channel, String group, long redelivered, long deadLetteredPoison,
                          long deadLetteredAfterRetries) {
    /** Checks that a channel and a group are named and no count is negative. */
    public GroupCounts {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(group, "group");
        if (redelivered < 0 || deadLetteredPoison < 0 || deadLetteredAfterRetries < 0) {
            throw new IllegalArgumentException("counts: " + redelivered + ", " + deadLetteredPoison + ", "
                    + deadLetteredAfterRetries + " (expected: >= 0)");
        }
    }
}
