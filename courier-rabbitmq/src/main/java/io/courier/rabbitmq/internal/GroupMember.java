package io.courier.rabbitmq.internal;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import io.courier.CourierException;
import io.courier.UnavailableException;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: a member of a group that holds a fair share of the group's partition
 * queues. Members count each other as the consumers of the group's members queue; each holds
 * at most {@code ceil(partitions / members)} partitions, giving up the extra ones when a member
 * joins and taking free ones when a member leaves or dies. {@link #rebalance()} runs when a
 * local member joins or leaves and on every tick of the broker, which is also how a member
 * comes back after the connection was lost. Thread-safe.
 */
public final class GroupMember implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(GroupMember.class);

    private final Context ctx;
    private final String channel;
    private final String group;
    private final DeliveryHandler handler;
    private final Consumer<GroupMember> onClose;
    private final int offset;
    /** A group whose name is its channel's: one instance's own queue (its replies), not shared. */
    private final boolean isPrivate;
    private final TreeMap<Integer, PartitionConsumer> held = new TreeMap<>();
    private List<String> queues;
    private Channel members;
    private volatile boolean closed;

    public GroupMember(Context ctx, String channel, String group, DeliveryHandler handler, Consumer<GroupMember> onClose) {
        this.ctx = ctx;
        this.channel = channel;
        this.group = group;
        this.handler = handler;
        this.onClose = onClose;
        this.isPrivate = channel.equals(group);
        // Members start looking for free partitions at different places, so they rarely race for one.
        this.offset = ThreadLocalRandom.current().nextInt(ctx.config().partitions());
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public String group() {
        return group;
    }

    /** Whether {@code other} is a member of the same group of the same channel. */
    public boolean sameGroup(GroupMember other) {
        return channel.equals(other.channel) && group.equals(other.group);
    }

    /** Whether this member is of {@code group} on {@code channel}. */
    public boolean is(String channel, String group) {
        return this.channel.equals(channel) && this.group.equals(group);
    }

    /** Declares the group, joins it and takes free partitions; fails when the broker is unreachable. */
    public synchronized void start() {
        join();
        rebalanceNow();
    }

    /** Takes or gives up partitions to hold a fair share; reconnects first if the connection was lost. */
    public synchronized void rebalance() {
        if (closed) {
            return;
        }
        try {
            if (members == null || !members.isOpen()) {
                releaseAll();
                ctx.topology().forget(); // the broker may have restarted without its durable state
                join();
                log.info("{} group {}: consuming again after the connection was restored", channel, group);
            }
            rebalanceNow();
        } catch (CourierException e) {
            log.debug("{} group {}: cannot rebalance now: {}", channel, group, e.getMessage());
        }
    }

    /**
     * Declares the group and becomes one of its members; then moves what was sent while the
     * channel had no group into the group's queues (a private channel keeps nothing such).
     */
    private void join() {
        if (isPrivate) {
            queues = List.of(ctx.topology().privateQueue(channel));
            members = ctx.consumeLink().channel(); // open while the connection is: how its loss is noticed
            return;
        }
        queues = ctx.topology().group(channel, group);
        String membersQueue = ctx.topology().membersQueue(channel, group);
        Channel ch = ctx.consumeLink().channel();
        try {
            // Nothing is ever published to it: its consumers are the group's live members.
            ch.basicConsume(membersQueue, true, new DefaultConsumer(ch));
        } catch (IOException e) {
            abort(ch);
            throw new UnavailableException("joining group " + group + " of " + channel + " failed (" + e + ")",
                    Map.of(), true, e);
        }
        members = ch;
        ctx.topology().drainUnrouted(channel, ctx.publisher());
    }

    private void rebalanceNow() {
        held.entrySet().removeIf(e -> {
            if (e.getValue().alive()) {
                return false;
            }
            e.getValue().release();
            return true;
        });
        int partitions = queues.size();
        int memberCount = isPrivate ? 1
                : Math.max(1, ctx.topology().consumers(ctx.topology().names().membersQueue(channel, group)));
        int fair = Math.ceilDiv(partitions, memberCount);
        while (held.size() > fair) {
            Map.Entry<Integer, PartitionConsumer> last = held.pollLastEntry();
            last.getValue().release();
            log.debug("{} group {}: gave up partition {} ({} members)", channel, group, last.getKey(), memberCount);
        }
        for (int i = 0; i < partitions && held.size() < fair; i++) {
            int p = (offset + i) % partitions;
            if (!held.containsKey(p)) {
                PartitionConsumer pc = new PartitionConsumer(ctx, channel, queues.get(p), handler);
                if (pc.claim()) {
                    held.put(p, pc);
                }
            }
        }
    }

    private void releaseAll() {
        held.values().forEach(PartitionConsumer::release);
        held.clear();
    }

    /** The partitions this member holds now: for tests and diagnostics. */
    public synchronized List<Integer> partitions() {
        return List.copyOf(held.keySet());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (members != null) {
                abort(members);
            }
            releaseAll();
            if (isPrivate && queues != null) {
                try {
                    ctx.topology().deleteQueue(queues.get(0)); // nobody else reads it
                } catch (CourierException e) {
                    log.debug("{}: left for the broker to expire: {}", queues.get(0), e.getMessage());
                }
            }
        }
        onClose.accept(this);
    }

    private static void abort(Channel ch) {
        try {
            ch.abort();
        } catch (IOException | RuntimeException e) {
            log.debug("closing a channel: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "member of " + group + " on " + channel;
    }
}
