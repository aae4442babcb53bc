package io.courier.messaging;

import java.util.Objects;

/**
 * The messages one group of one channel sent to its dead-letter channel through a
 * {@link Messaging} since it subscribed: {@link Messaging#deadLetterCounts()}.
 *
 * @param channel the channel consumed
 * @param group the consumer group
 * @param poison messages the group could not take at all: a type it does not know, a payload it
 *     cannot decode, a message its interceptors refused for good
 * @param retriesExhausted messages whose last attempt failed
 */
public record DeadLetterCount(String channel, String group, long poison, long retriesExhausted) {
    /** Checks that a channel and a group are named and the counts are not negative. */
    public DeadLetterCount {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(group, "group");
        if (poison < 0 || retriesExhausted < 0) {
            throw new IllegalArgumentException("counts: " + poison + ", " + retriesExhausted + " (expected: >= 0)");
        }
    }
}
