package io.courier.rabbitmq.internal;

import java.util.Optional;

/**
 * The names of the exchanges and queues of a channel, and the partition of a key. Senders and
 * consumers agree on them through the namespace and the number of partitions alone.
 */
public record Names(String namespace, int partitions) {
    /** The channel's topic exchange, where its messages are published. */
    public String exchange(String channel) {
        return namespace + channel;
    }

    /** The exchange and queue that keep what was sent while the channel had no group. */
    public String unrouted(String channel) {
        return namespace + channel + ".unrouted";
    }

    /** The queue of partition {@code p} of {@code group} on {@code channel}. */
    public String partitionQueue(String channel, String group, int p) {
        return namespace + channel + "." + group + "." + p;
    }

    /** The queue whose consumers are the live members of {@code group}; it never holds a message. */
    public String membersQueue(String channel, String group) {
        return namespace + channel + "." + group + ".members";
    }

    /**
     * The routing key of a message: its partition, from the key's {@link String#hashCode()}
     * (specified by the JLS, so the same in every JVM), or {@code roundRobin} without a key.
     */
    public String routingKey(Optional<String> key, long roundRobin) {
        int p = key.map(k -> Math.floorMod(k.hashCode(), partitions)).orElseGet(() -> Math.floorMod(roundRobin, partitions));
        return Integer.toString(p);
    }
}
