package io.courier.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.courier.CourierException;
import io.courier.FailedPreconditionException;
import io.courier.PermissionDeniedException;
import io.courier.UnavailableException;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * comes back after the connection was lost, and how it notices that its queues, their bindings
 * or its channel's exchange were deleted under it and declares them again. RabbitMQ tells it of
 * most such changes: it cancels the consumer of a deleted queue, and hands the member's watch of
 * the channel's unrouted messages a copy of each message no queue was bound for (the sign that
 * bindings are gone). Only then, and once every {@value #FULL_LOOK_TICKS} ticks or so (jittered),
 * does the member look (passive declares) at the channel's exchanges and unrouted queue; a quiet
 * tick asks RabbitMQ only for the count of the group's members. Thread-safe.
 */
public final class GroupMember implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(GroupMember.class);
    /**
     * About how many ticks pass between two looks at the channel's exchanges and unrouted queue
     * when nothing suggested one (each look is three passive declares): what the watch cannot see,
     * an exchange deleted while nothing is sent to it, or the unrouted queue deleted alone, is
     * noticed within that.
     */
    static final int FULL_LOOK_TICKS = 30;

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
    /** Messages left in the channel's unrouted queue after the last drain: more means the bindings are gone. */
    private long unroutedLeft;
    /** The channel of the watch of the channel's unrouted messages; null before it is opened. */
    private Channel watch;
    /** Whether RabbitMQ cancelled the watch's consumer (its queue was deleted): it is opened again. */
    private volatile boolean watchCancelled;
    /** Whether the watch saw an unrouted message since the last look: the next tick looks. */
    private volatile boolean suspect;
    /** When ({@link io.courier.Ticker} nanoseconds) the next look is due even if nothing suggested one. */
    private long nextLookNanos;
    /** What was deleted under this member, to declare again on the next rebalance; null when nothing. */
    private volatile String lost;
    /** Whether RabbitMQ cancelled this member's consumer of the members queue (it was deleted). */
    private volatile boolean membersCancelled;
    /** Why declaring what was deleted failed, for readiness; null when it did not. */
    private volatile String trouble;
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

    /**
     * Takes or gives up partitions to hold a fair share; reconnects first if the connection was
     * lost, and declares again first what was deleted under it.
     */
    public synchronized void rebalance() {
        if (closed) {
            return;
        }
        try {
            if (members == null || !members.isOpen()) {
                releaseAll();
                ctx.topology().forget(); // the broker may have restarted without its durable state
                join();
                lost = null;
                trouble = null;
                log.info("{} group {}: consuming again after the connection was restored", channel, group);
            } else {
                if (lost == null && !isPrivate) {
                    lost = watchUnrouted();
                    if (lost == null && (suspect || ctx.ticker().nanoTime() - nextLookNanos >= 0)) {
                        lookForDeletedBindings();
                    }
                }
                if (lost != null) {
                    declareAgain();
                }
            }
            rebalanceNow();
        } catch (CourierException e) {
            releaseDead(); // the partitions still held go on
            if (lost == null && !(e instanceof FailedPreconditionException || e instanceof PermissionDeniedException)) {
                log.debug("{} group {}: cannot rebalance now: {}", channel, group, e.getMessage());
                return;
            }
            // Not a broker away but something on it to fix: said once, and in readiness until it is fixed.
            String why = (lost == null ? "" : lost + "; declaring it again failed: ") + e.getMessage();
            if (!why.equals(trouble)) {
                log.warn("{} group {}: {}", channel, group, why);
            }
            trouble = why;
        }
    }

    /** Called by RabbitMQ's cancel of a consumer: {@code queue} was deleted. Does not block. */
    private void queueDeleted(String queue) {
        if (closed) {
            return;
        }
        String why = "queue " + queue + " was deleted on the broker (with the messages it held)";
        log.warn("{} group {}: {}; declaring the group's queues and bindings again", channel, group, why);
        lost = why;
    }

    /**
     * Looks whether the channel's exchange (and with it the group's bindings) was deleted, or
     * messages reach the unrouted queue although this group is bound: its bindings are gone
     * (say the exchange was deleted, then declared again by a publisher elsewhere).
     */
    private void lookForDeletedBindings() {
        suspect = false; // before looking: an unrouted message from now on is looked at again
        scheduleLook();
        long unrouted = ctx.topology().unrouted(channel);
        String why = null;
        if (unrouted < 0) {
            why = "exchange " + ctx.topology().names().exchange(channel) + ", its alternate exchange or its unrouted"
                    + " queue was deleted on the broker (the exchange with the group's bindings)";
        } else if (unrouted > unroutedLeft) {
            why = (unrouted - unroutedLeft) + " new message(s) in " + ctx.topology().names().unrouted(channel)
                    + ", which no queue was bound for: the group's bindings to " + ctx.topology().names().exchange(channel)
                    + " are missing (or a sender used a routing key that is no partition number)";
        }
        if (why != null) {
            log.warn("{} group {}: {}; declaring the group's queues and bindings again", channel, group, why);
            lost = why;
        }
    }

    /** Declares the group's exchange, queues and bindings again, consumes the members queue again if need be. */
    private void declareAgain() {
        ctx.topology().forget();
        if (isPrivate) {
            queues = List.of(ctx.topology().privateQueue(channel));
        } else {
            queues = ctx.topology().group(channel, group);
            String membersQueue = ctx.topology().membersQueue(channel, group);
            if (membersCancelled) {
                Channel ch = consumeMembers(membersQueue);
                abort(members);
                members = ch;
                membersCancelled = false;
            }
            watchAgain();
            ctx.topology().drainUnrouted(channel, ctx.publisher());
            unroutedLeft = Math.max(0, ctx.topology().unrouted(channel));
        }
        log.warn("{} group {}: declared its queues and bindings again after: {}; consuming again", channel, group, lost);
        lost = null;
        trouble = null;
    }

    /** Why this member cannot consume all it should: what was deleted under it and could not be declared again. */
    public Optional<String> notReady() {
        String why = trouble;
        return why == null ? Optional.empty() : Optional.of("group " + group + " of " + channel + ": " + why);
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
        members = consumeMembers(ctx.topology().membersQueue(channel, group));
        membersCancelled = false;
        watchAgain(); // before the drain: what arrives unrouted from now on is seen
        ctx.topology().drainUnrouted(channel, ctx.publisher());
        unroutedLeft = Math.max(0, ctx.topology().unrouted(channel));
    }

    /** Opens the watch of the channel's unrouted messages anew (after the group was declared again). */
    private void watchAgain() {
        if (watch != null) {
            abort(watch);
            watch = null;
        }
        String missing = watchUnrouted();
        if (missing != null) { // deleted since this broker declared it: declared again, once
            ctx.topology().forget();
            ctx.topology().channel(channel);
            missing = watchUnrouted();
        }
        if (missing != null) {
            throw new UnavailableException(missing + "; declaring it again", Map.of(), true, null);
        }
        suspect = false;
        scheduleLook();
    }

    /**
     * Watches the channel's unrouted messages unless watching already: a queue of this member's
     * bound to the channel's alternate exchange, whose every message marks the next tick for a
     * look. Returns why it cannot (the alternate exchange was deleted), or null.
     */
    private String watchUnrouted() {
        if (watch != null && watch.isOpen() && !watchCancelled) {
            return null;
        }
        if (watch != null) {
            abort(watch);
            watch = null;
        }
        Channel ch = ctx.consumeLink().channel();
        watchCancelled = false;
        try {
            String id = Long.toHexString(ThreadLocalRandom.current().nextLong()); // exclusive: unique per member
            ctx.topology().watchUnrouted(channel, id, ch, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                    suspect = true;
                }

                @Override
                public void handleCancel(String consumerTag) {
                    watchCancelled = true; // the watch queue was deleted: opened again on the next tick
                    suspect = true;
                }
            });
        } catch (UnavailableException e) {
            abort(ch);
            if (Refusals.notFound(e)) {
                return "exchange " + ctx.topology().names().unrouted(channel) + " (the alternate exchange of "
                        + ctx.topology().names().exchange(channel) + ") was deleted on the broker";
            }
            throw e;
        } catch (CourierException e) {
            abort(ch);
            throw e;
        }
        watch = ch;
        return null;
    }

    /** The next look without a reason: about every {@value #FULL_LOOK_TICKS} ticks, jittered so members spread out. */
    private void scheduleLook() {
        long every = ctx.config().rebalanceInterval().toNanos() * FULL_LOOK_TICKS;
        nextLookNanos = ctx.ticker().nanoTime() + every * 4 / 5 + ThreadLocalRandom.current().nextLong(every * 2 / 5 + 1);
    }

    /** Consumes the members queue on a channel of its own: nothing is ever published to it, its consumers are the group's live members. */
    private Channel consumeMembers(String membersQueue) {
        Channel ch = ctx.consumeLink().channel();
        try {
            ch.basicConsume(membersQueue, true, new DefaultConsumer(ch) {
                @Override
                public void handleCancel(String consumerTag) {
                    membersCancelled = true;
                    queueDeleted(membersQueue);
                }
            });
        } catch (IOException | RuntimeException e) {
            abort(ch);
            throw Refusals.of(e, "joining group " + group + " of " + channel + " (consuming queue " + membersQueue + ")",
                    ctx.consumeLink().user(), ctx.consumeLink().virtualHost());
        }
        return ch;
    }

    private void releaseDead() {
        held.entrySet().removeIf(e -> {
            if (e.getValue().alive()) {
                return false;
            }
            e.getValue().release();
            return true;
        });
    }

    private void rebalanceNow() {
        releaseDead();
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
                PartitionConsumer pc = new PartitionConsumer(ctx, channel, queues.get(p), handler, this::queueDeleted);
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
            if (watch != null) {
                abort(watch);
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
