package io.courier.rabbitmq.internal;

import io.courier.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The names of the exchanges and queues of a channel, and the partition of a key. Senders and
 * consumers agree on them through the namespace and the number of partitions alone.
 */
public record Names(String namespace, int partitions) {
    /** The most bytes RabbitMQ takes in an exchange or queue name (an AMQP short string, UTF-8). */
    public static final int MAX_NAME_BYTES = 255;
    /** The prefix RabbitMQ reserves for its own exchanges and queues. */
    private static final String RESERVED = "amq.";

    /**
     * Checks the names made of {@code channel}, and of {@code group} on it when not null,
     * against RabbitMQ's rules before any is declared: RabbitMQ refuses a name over
     * {@value #MAX_NAME_BYTES} bytes or starting with {@code amq.}, every time, so sending or
     * subscribing again would not help.
     *
     * @throws InvalidArgumentException naming the name, the rule and what to change
     */
    public void check(String channel, String group) {
        checkName(unrouted(channel), "channel " + shown(channel));
        if (group != null) {
            checkName(membersQueue(channel, group), "group " + shown(group) + " of channel " + shown(channel));
            checkName(partitionQueue(channel, group, partitions - 1), "group " + shown(group) + " of channel "
                    + shown(channel));
        }
    }

    private static void checkName(String name, String what) {
        if (name.startsWith(RESERVED)) {
            throw new InvalidArgumentException(what + ": RabbitMQ name " + shown(name) + " starts with \"" + RESERVED
                    + "\", which RabbitMQ reserves (expected: another name, or a RabbitConfig namespace before it)");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw new InvalidArgumentException(what + ": RabbitMQ name " + shown(name) + " is " + bytes + " bytes"
                    + " (expected: at most " + MAX_NAME_BYTES + ", RabbitMQ's limit; a shorter channel, group or namespace)");
        }
    }

    private static String shown(String s) {
        return s.length() <= 64 ? "\"" + s + "\"" : "\"" + s.substring(0, 64) + "...\"";
    }
    /** The channel's topic exchange, where its messages are published. */
    public String exchange(String channel) {
        return namespace + channel;
    }

    /** The exchange and queue that keep what was sent while the channel had no group. */
    public String unrouted(String channel) {
        return namespace + channel + ".unrouted";
    }

    /**
     * The name of a queue that watches the unrouted messages of {@code channel} for one group
     * member ({@code id} tells the members apart), in the channel's names so that permissions
     * granted on them cover it; empty (a name RabbitMQ picks) when that would be too long.
     */
    public String watchQueue(String channel, String id) {
        String name = unrouted(channel) + ".watch." + id;
        return name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES ? "" : name;
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
