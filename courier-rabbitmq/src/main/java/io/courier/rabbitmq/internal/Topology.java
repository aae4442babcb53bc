package io.courier.rabbitmq.internal;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.courier.CourierException;
import io.courier.UnavailableException;
import io.courier.messaging.Messaging;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Declares the exchanges and queues of channels and groups, idempotently, and remembers what
 * it declared. A channel is a durable topic exchange whose alternate exchange keeps, in a
 * durable queue, what was sent while no group was bound; a group is one durable queue per
 * partition, bound by the partition number. Thread-safe.
 */
public final class Topology {
    private static final String DEAD_LETTER_SUFFIX = Messaging.deadLetterChannel("", "").substring(1);

    /** How long an unused private (reply) queue lives: 5 minutes. */
    public static final int PRIVATE_QUEUE_EXPIRY_MILLIS = 300_000;

    /**
     * How long a reply channel found alive is taken to stay so: replies to it within that time
     * are one publish each, without asking RabbitMQ again.
     */
    private static final long REPLY_CHANNEL_KNOWN_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Past this many reply channels remembered, those not checked lately are forgotten. */
    private static final int REPLY_CHANNELS_REMEMBERED = 1024;

    private final Link link;
    private final Names names;
    /** The reply channels found alive, by exchange, with the time they were checked ({@link System#nanoTime()}). */
    private final Map<String, Long> aliveReplyChannels = new ConcurrentHashMap<>();
    /** Where reply channels are looked up: a failed passive declare closes its channel, so it has one of its own. */
    private final Object probeLock = new Object();
    private Channel probe;
    private final Set<String> exchanges = ConcurrentHashMap.newKeySet();
    /** The exchanges of this broker's private queues, declared with them (not as a channel's). */
    private final Set<String> privateExchanges = ConcurrentHashMap.newKeySet();
    private final Set<String> declaredExchanges = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    private final Set<String> declaredQueues = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    private Channel channel;
    /** The passive declares asked of RabbitMQ: what looking at the topology costs the broker. */
    private final LongAdder lookups = new LongAdder();

    public Topology(Link link, Names names) {
        this.link = link;
        this.names = names;
    }

    public Names names() {
        return names;
    }

    /**
     * Declares the exchange of {@code channel}, once per broker.
     *
     * @throws io.courier.InvalidArgumentException when RabbitMQ would refuse its names ({@link Names#check})
     */
    public void channel(String channel) {
        String exchange = names.exchange(channel);
        if (exchanges.contains(exchange) || privateExchanges.contains(exchange)) {
            return;
        }
        names.check(channel, null); // once per channel declared: a name RabbitMQ refuses is this call's fault
        run(ch -> {
            String unrouted = names.unrouted(channel);
            ch.exchangeDeclare(unrouted, "fanout", true);
            ch.queueDeclare(unrouted, true, false, false, null);
            ch.queueBind(unrouted, unrouted, "");
            ch.exchangeDeclare(exchange, "topic", true, false, Map.of("alternate-exchange", unrouted));
            declaredExchanges.add(exchange);
            declaredExchanges.add(unrouted);
            declaredQueues.add(unrouted);
        });
        exchanges.add(exchange);
    }

    /**
     * Whether the reply channel {@code channel} is alive: its exchange and its requester's queue
     * (a {@linkplain #privateQueue private queue}, deleted when the requester closes or 5 minutes
     * after it died) both exist. Declares nothing: a reply never creates its channel. Asks
     * RabbitMQ (two passive declares, on a channel of their own) unless the channel was found
     * alive within the last 5 seconds.
     *
     * @throws UnavailableException (retry-safe) when RabbitMQ cannot be asked
     */
    public boolean replyChannelAlive(String channel) {
        String exchange = names.exchange(channel);
        long now = System.nanoTime();
        Long checked = aliveReplyChannels.get(exchange);
        if (checked != null && now - checked < REPLY_CHANNEL_KNOWN_NANOS) {
            return true;
        }
        boolean alive;
        synchronized (probeLock) {
            try {
                if (probe == null || !probe.isOpen()) {
                    probe = link.channel();
                }
                lookups.increment();
                probe.exchangeDeclarePassive(exchange);
                lookups.increment();
                probe.queueDeclarePassive(exchange); // the private queue is named as its exchange
                alive = true;
            } catch (IOException | RuntimeException e) {
                if (!notFound(e)) {
                    throw refused(e, "looking up reply exchange " + exchange);
                }
                alive = false; // and the probe channel is closed: the next lookup opens another
            }
        }
        if (!alive) {
            aliveReplyChannels.remove(exchange);
            return false;
        }
        if (aliveReplyChannels.size() >= REPLY_CHANNELS_REMEMBERED) {
            aliveReplyChannels.values().removeIf(t -> now - t >= REPLY_CHANNEL_KNOWN_NANOS);
        }
        aliveReplyChannels.put(exchange, now);
        return true;
    }

    /** Whether {@code e} is RabbitMQ's answer that what was asked for does not exist. */
    private static boolean notFound(Throwable e) {
        return Refusals.notFound(e);
    }

    /** Whether {@code channel} holds dead letters (whose queues have no dead-letter exchange). */
    static boolean isDeadLetterChannel(String channel) {
        return channel.endsWith(DEAD_LETTER_SUFFIX);
    }

    /** Declares the partition queues of {@code group} and binds them; the queue names in partition order. */
    public List<String> group(String channel, String group) {
        channel(channel);
        Map<String, Object> args = null;
        if (!isDeadLetterChannel(channel)) {
            // What Courier cannot even read as a message is rejected into the group's dead-letter
            // channel by the broker itself; everything else is dead-lettered by Courier, with a reason.
            String deadLetters = Messaging.deadLetterChannel(channel, group);
            channel(deadLetters);
            args = Map.of("x-dead-letter-exchange", names.exchange(deadLetters), "x-dead-letter-routing-key", "0");
        }
        Map<String, Object> queueArgs = args;
        String[] queues = new String[names.partitions()];
        run(ch -> {
            for (int p = 0; p < names.partitions(); p++) {
                queues[p] = names.partitionQueue(channel, group, p);
                ch.queueDeclare(queues[p], true, false, false, queueArgs);
                ch.queueBind(queues[p], names.exchange(channel), Integer.toString(p));
                declaredQueues.add(queues[p]);
            }
        });
        return List.of(queues);
    }

    /**
     * Declares the queue of a private group, one whose name is its channel's (a
     * {@code Messaging} instance's reply channel), and the channel's exchange with it: one queue
     * for every partition, deleted by the broker once unused for
     * {@link #PRIVATE_QUEUE_EXPIRY_MILLIS}, and an exchange deleted by the broker with the queue's
     * binding, with no alternate exchange. So neither the reply queues of instances that died nor
     * their exchanges stay behind, and a reply to a requester that is gone is kept by nobody.
     */
    public String privateQueue(String channel) {
        String q = names.exchange(channel);
        run(ch -> {
            // Neither durable nor kept for later: the exchange goes with the queue's binding, so
            // nothing of a requester stays behind it (replies sent to it meanwhile are dropped).
            ch.exchangeDeclare(q, "topic", false, true, null);
            ch.queueDeclare(q, false, false, false, Map.of("x-expires", PRIVATE_QUEUE_EXPIRY_MILLIS));
            ch.queueBind(q, q, "#");
        });
        privateExchanges.add(q);
        declaredExchanges.add(q);
        declaredQueues.add(q);
        return q;
    }

    /** Deletes {@code queue} (a private queue whose owner closed, and so its exchange). */
    public void deleteQueue(String queue) {
        run(ch -> ch.queueDelete(queue));
        privateExchanges.remove(queue);
    }

    /** Declares the members queue of {@code group}: live, auto-deleted once the last member leaves. */
    public String membersQueue(String channel, String group) {
        String q = names.membersQueue(channel, group);
        run(ch -> ch.queueDeclare(q, false, false, true, null));
        declaredQueues.add(q);
        return q;
    }

    /** The number of consumers of {@code queue}, or 0 if it does not exist. */
    public int consumers(String queue) {
        int[] n = new int[1];
        run(ch -> {
            lookups.increment();
            n[0] = ch.queueDeclarePassive(queue).getConsumerCount();
        });
        return n[0];
    }

    /** The messages ready in {@code queue} (not yet delivered to a consumer), or -1 if it does not exist. */
    public long messages(String queue) {
        long[] n = {-1};
        try {
            run(ch -> {
                lookups.increment();
                n[0] = ch.queueDeclarePassive(queue).getMessageCount();
            });
        } catch (UnavailableException e) {
            if (notFound(e)) {
                return -1;
            }
            throw e;
        }
        return n[0];
    }

    /**
     * Moves what was sent to {@code channel} while no group was bound into the channel again,
     * now that a group is bound: each message is acknowledged only after its republish was
     * confirmed, so a crash in between duplicates it and loses nothing. Takes only the messages
     * there when it starts: one whose routing key no queue is bound with (a plain client's, say)
     * comes back to the unrouted queue and stays there, instead of going round forever.
     */
    public void drainUnrouted(String channel, Publisher publisher) {
        String unrouted = names.unrouted(channel);
        run(ch -> {
            lookups.increment();
            int waiting = ch.queueDeclarePassive(unrouted).getMessageCount();
            GetResponse r;
            for (int i = 0; i < waiting && (r = ch.basicGet(unrouted, false)) != null; i++) {
                publisher.publish(names.exchange(channel), r.getEnvelope().getRoutingKey(), r.getProps(), r.getBody()).join();
                ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            }
        });
    }

    /**
     * The messages waiting in the unrouted queue of {@code channel} (sent while no queue was
     * bound for their routing key), or -1 when the channel's exchange, its alternate exchange or
     * its unrouted queue no longer exists (deleted by an operator or another tool). How a member
     * finds that the bindings it consumes through are gone: looked at when its {@linkplain
     * #watchUnrouted watch} saw an unrouted message, and otherwise only once in a while.
     *
     * @throws UnavailableException (retry-safe) when RabbitMQ cannot be asked
     */
    public long unrouted(String channel) {
        long[] n = {-1};
        try {
            run(ch -> {
                lookups.increment();
                ch.exchangeDeclarePassive(names.exchange(channel));
                lookups.increment();
                ch.exchangeDeclarePassive(names.unrouted(channel));
                lookups.increment();
                n[0] = ch.queueDeclarePassive(names.unrouted(channel)).getMessageCount();
            });
        } catch (UnavailableException e) {
            if (notFound(e)) {
                return -1;
            }
            throw e;
        }
        return n[0];
    }

    /**
     * Declares, on {@code ch} (a channel of the member's own, on the consuming connection), a
     * watch of what is sent to {@code channel} with no queue bound for it: an exclusive queue
     * bound to the channel's alternate exchange, holding at most one message, consumed by {@code
     * watcher} with automatic acknowledgements. RabbitMQ then hands the member a copy of each
     * unrouted message as it happens (the sign that the group's bindings are gone), so the member
     * need not ask on every tick. Costs the broker nothing while every message is routed.
     *
     * @throws CourierException as {@link Refusals#of} maps RabbitMQ's refusal; NOT_FOUND when
     *         the channel's alternate exchange was deleted
     */
    public void watchUnrouted(String channel, String id, Channel ch, com.rabbitmq.client.Consumer watcher) {
        String exchange = names.unrouted(channel);
        String queue = names.watchQueue(channel, id);
        try {
            String declared = ch.queueDeclare(queue, false, true, true, Map.of("x-max-length", 1)).getQueue();
            ch.queueBind(declared, exchange, "");
            ch.basicConsume(declared, true, watcher);
        } catch (IOException | RuntimeException e) {
            throw refused(e, "watching the unrouted messages of " + names.exchange(channel) + " (queue "
                    + (queue.isEmpty() ? "named by RabbitMQ" : queue) + " bound to exchange " + exchange + ")");
        }
    }

    /**
     * How many passive declares (lookups of an exchange or queue) this topology asked RabbitMQ
     * so far: for tests of what the rebalance ticks cost the broker.
     */
    public long lookups() {
        return lookups.sum();
    }

    /** The queues this broker declared, in order: for tests on a shared broker, which delete them after. */
    public List<String> declaredQueues() {
        synchronized (declaredQueues) {
            return List.copyOf(declaredQueues);
        }
    }

    /** The exchanges this broker declared, in order. */
    public List<String> declaredExchanges() {
        synchronized (declaredExchanges) {
            return List.copyOf(declaredExchanges);
        }
    }

    /** Forgets the exchanges declared, so they are declared again (after the broker lost them). */
    public void forget() {
        exchanges.clear();
        aliveReplyChannels.clear();
    }

    private interface Step {
        void run(Channel ch) throws IOException;
    }

    private synchronized void run(Step step) {
        try {
            if (channel == null || !channel.isOpen()) {
                channel = link.channel();
            }
            step.run(channel);
        } catch (IOException | RuntimeException e) {
            // Unavailable or a refused TLS handshake as they are; RabbitMQ's refusals by reply code:
            // PRECONDITION_FAILED (declared otherwise by another tool) and ACCESS_REFUSED are for
            // someone to fix on the broker, retrying gets the same answer.
            throw refused(e, "declaring RabbitMQ exchanges and queues");
        }
    }

    /** {@code e} as Courier's typed error (see {@link Refusals}), for this link's user and virtual host. */
    CourierException refused(Throwable e, String doing) {
        return Refusals.of(e, doing, link.user(), link.virtualHost());
    }

    /** Closes the declaring and the lookup channel. */
    public void close() {
        synchronized (this) {
            closeQuietly(channel);
        }
        synchronized (probeLock) {
            closeQuietly(probe);
        }
    }

    private static void closeQuietly(Channel ch) {
        if (ch != null && ch.isOpen()) {
            try {
                ch.close();
            } catch (IOException | TimeoutException | RuntimeException ignored) {
                // the connection closes next
            }
        }
    }
}
