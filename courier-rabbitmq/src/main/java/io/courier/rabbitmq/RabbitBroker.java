package io.courier.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.SocketConfigurators;
import io.courier.CourierException;
import io.courier.Ticker;
import io.courier.UnavailableException;
import io.courier.internal.RenewableTls;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import io.courier.messaging.spi.ReplyChannelNotFoundException;
import io.courier.rabbitmq.internal.Context;
import io.courier.rabbitmq.internal.Envelopes;
import io.courier.rabbitmq.internal.GroupMember;
import io.courier.rabbitmq.internal.Link;
import io.courier.rabbitmq.internal.Names;
import io.courier.rabbitmq.internal.Publisher;
import io.courier.rabbitmq.internal.Topology;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Courier broker SPI on RabbitMQ. A channel is a durable topic exchange; a group is one
 * durable queue per partition, bound to it by partition number; each partition queue is held by
 * one member of the group at a time (an exclusive consumer), and members share the partitions
 * fairly. A send's future completes on its publisher confirm (confirms are asynchronous, so
 * many sends are outstanding at once); a delivery is acknowledged after its handler finished,
 * with acknowledgements coalesced into multiple acks where every earlier delivery is settled.
 *
 * <pre>{@code
 * try (RabbitBroker broker = RabbitBroker.create(RabbitConfig.builder().host("rabbit").build());
 *      Messaging messaging = Messaging.builder().name("billing").broker(broker).build()) {
 *     messaging.subscribe(OrderCreated.class, "billing", event -> bill(event));
 * }
 * }</pre>
 *
 * <p>Thread-safe. One broker holds two connections, one to publish and one to consume, and
 * opens them again when they are lost: sends waiting for a confirm then fail with a retry-safe
 * {@link UnavailableException}, and consumers take their partitions again within one
 * {@linkplain RabbitConfig#rebalanceInterval() rebalance interval}. Handlers run on virtual
 * threads. {@link #close()} ends every subscription, connection and thread of the broker.
 */
public final class RabbitBroker implements MessageBroker {
    /** The largest message RabbitMQ can be configured to take ({@code max_message_size}'s upper bound): 512 MiB. */
    static final int MAX_BROKER_MESSAGE_BYTES = 512 << 20;

    private static final Logger log = LoggerFactory.getLogger(RabbitBroker.class);

    private final RabbitConfig config;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("courier-rabbitmq-", 0).factory());
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("courier-rabbitmq-rebalance").factory());
    /** Apart from the rebalancing, which may wait for the network: sends time out on time. */
    private final ScheduledExecutorService confirmTimeouts = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("courier-rabbitmq-confirm-timeouts").factory());
    private final Link publishLink;
    private final Link consumeLink;
    private final Context ctx;
    private final List<GroupMember> members = new CopyOnWriteArrayList<>();
    private final AtomicLong roundRobin = new AtomicLong();
    private final AtomicLong ticks = new AtomicLong();
    private volatile boolean closed;

    private RabbitBroker(RabbitConfig config) {
        this.config = config;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(config.host());
        factory.setPort(config.port());
        factory.setUsername(config.username());
        factory.setPassword(config.password());
        factory.setVirtualHost(config.virtualHost());
        factory.setConnectionTimeout((int) config.connectionTimeout().toMillis());
        factory.setAutomaticRecoveryEnabled(false); // Courier recovers itself: see Link
        // Whatever the broker delivers is read: a body over the client's own limit (64 MiB by
        // default) failed the whole connection while its frames were read, before Courier could
        // dead-letter it, and came again after each reconnect, so no group on the connection got
        // another message. RabbitMQ takes nothing over its max_message_size, itself at most 512 MiB.
        factory.setMaxInboundMessageBodySize(MAX_BROKER_MESSAGE_BYTES);
        factory.setSharedExecutor(threads);
        config.tls().ifPresent(tls -> {
            RenewableTls renewable = RenewableTls.of(tls, "RabbitMQ " + config.host() + ":" + config.port());
            // Asked for each connection (the first and every reconnect): renewed files take effect there.
            // (useSslProtocol would fix one SSLContext's socket factory, which amqp-client prefers.)
            factory.setSslContextFactory(connectionName -> renewable.sslContext());
            if (tls.hostnameVerification()) {
                factory.enableHostnameVerification(); // in amqp-client's socket configurator
            } else {
                // Not the factory's default configurator, which verifies the host name on TLS sockets.
                factory.setSocketConfigurator(SocketConfigurators.defaultConfigurator());
            }
        });
        this.publishLink = new Link(factory, "courier-publish");
        this.consumeLink = new Link(factory, "courier-consume");
        Topology topology = new Topology(publishLink, new Names(config.namespace(), config.partitions()));
        // Exchanges are declared once per broker; after a channel error (say, an exchange deleted
        // by an operator) they are declared again before the next send.
        Publisher publisher = new Publisher(publishLink, config.publishTimeout(), topology::forget);
        this.ctx = new Context(config, consumeLink, topology, publisher, threads, Clock.systemUTC(), Ticker.system());
        long every = config.rebalanceInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        // One sweep instead of a timer per send: a tenth of the timeout late at most (10 ms .. 1 s).
        long sweep = Math.clamp(config.publishTimeout().toMillis() / 10, 10, 1_000);
        confirmTimeouts.scheduleWithFixedDelay(publisher::expire, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /**
     * A broker for {@code config}. Connections open on first use, so this succeeds while the
     * broker is down; the first send or subscription then fails retry-safe.
     */
    public static RabbitBroker create(RabbitConfig config) {
        return new RabbitBroker(Objects.requireNonNull(config, "config"));
    }

    /** The configuration. */
    public RabbitConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<Void> send(Message message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            return CompletableFuture.failedFuture(new UnavailableException(
                    "RabbitMQ broker is closed; " + message + " was not sent"));
        }
        try {
            if (message.headers().get(MessageHeaders.STATUS).isPresent()) {
                // A reply goes only to a live requester's reply channel, and never declares one: its
                // channel comes from whoever sent the request. Messaging drops it, logs and counts it.
                if (!ctx.topology().replyChannelAlive(message.channel())) {
                    return CompletableFuture.failedFuture(new ReplyChannelNotFoundException(message.channel()));
                }
            } else {
                ctx.topology().channel(message.channel());
            }
        } catch (CourierException e) {
            return CompletableFuture.failedFuture(e);
        }
        Names names = ctx.topology().names();
        return ctx.publisher().publish(names.exchange(message.channel()),
                names.routingKey(message.partitionKey(), roundRobin.getAndIncrement()),
                Envelopes.properties(message, ctx.clock()), message.payload());
    }

    /**
     * Joins {@code group} on {@code channel} and takes this member's share of its partitions.
     *
     * @throws UnavailableException (retry-safe) when RabbitMQ cannot be reached
     * @throws io.courier.InvalidArgumentException when RabbitMQ would refuse the queue names made of
     *         {@code channel} and {@code group} (over 255 bytes, or starting with {@code amq.})
     */
    @Override
    public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
        requireText(channel, "channel");
        requireText(group, "group");
        Objects.requireNonNull(handler, "handler");
        ctx.topology().names().check(channel, group);
        if (closed) {
            throw new IllegalStateException("RabbitMQ broker is closed (expected: subscribe before close)");
        }
        GroupMember member = new GroupMember(ctx, channel, group, handler, this::left);
        member.start();
        members.add(member);
        // The members already here give up their extra partitions, which the new one then takes.
        rebalanceGroupOf(member, true);
        member.rebalance();
        return member;
    }

    private void left(GroupMember member) {
        members.remove(member);
        if (!closed) {
            rebalanceGroupOf(member, false); // the others take the partitions it gave up, at once
        }
    }

    private void rebalanceGroupOf(GroupMember member, boolean skipSelf) {
        for (GroupMember m : members) {
            if (m.sameGroup(member) && !(skipSelf && m == member)) {
                m.rebalance();
            }
        }
    }

    private void tick() {
        if (publishLink.notReady().isPresent() && !closed) {
            // A lost sending connection is opened again here too, not only on the next send: readiness depends on it.
            try {
                publishLink.connection();
            } catch (UnavailableException e) {
                log.debug("reconnecting to send: {}", e.toString());
            }
        }
        for (GroupMember m : members) {
            try {
                m.rebalance();
            } catch (RuntimeException e) {
                log.warn("{}: rebalancing failed: {}", m, e.toString());
            }
        }
        ticks.incrementAndGet();
    }

    /**
     * The lag of {@code group} on each partition of {@code channel}: the messages ready in each
     * of the group's partition queues (delivered but unacknowledged ones not counted), asked of
     * RabbitMQ; empty when the group has no queues.
     *
     * @throws UnavailableException (retry-safe) when RabbitMQ cannot be reached
     */
    @Override
    public Map<Integer, Long> partitionLag(String channel, String group) {
        requireText(channel, "channel");
        requireText(group, "group");
        Names names = ctx.topology().names();
        Map<Integer, Long> lag = new TreeMap<>();
        for (int p = 0; p < names.partitions(); p++) {
            long n = ctx.topology().messages(names.partitionQueue(channel, group, p));
            if (n >= 0) {
                lag.put(p, n);
            }
        }
        return lag;
    }

    /**
     * Why this broker cannot carry messages now: closed, or a connection it opened (one for
     * sending, one for consuming) is lost; it is opened again on next use, by the members'
     * rebalancing for the consumers. Or a subscription's queue, binding or exchange was deleted
     * on the broker and declaring it again failed (say another tool declared the queue again with
     * other arguments): the reason names it. Empty when all is well or nothing was used yet.
     */
    @Override
    public Optional<String> notReady() {
        if (closed) {
            return Optional.of("closed");
        }
        List<String> problems = new ArrayList<>();
        consumeLink.notReady().ifPresent(problems::add);
        publishLink.notReady().ifPresent(problems::add);
        for (GroupMember m : members) {
            m.notReady().ifPresent(problems::add); // what was deleted under it and could not be declared again
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /**
     * Deletes the partition queues of {@code group} on {@code channel}, with whatever they still
     * hold: for a temporary group (say, the one {@code courier tail} reads with) once its
     * members have closed. Deleting a group that does not exist does nothing.
     *
     * @throws IllegalStateException when a member of the group is subscribed through this broker
     * @throws UnavailableException (retry-safe) when RabbitMQ cannot be reached
     */
    public void deleteGroup(String channel, String group) {
        requireText(channel, "channel");
        requireText(group, "group");
        GroupMember probe = members.stream().filter(m -> m.is(channel, group)).findAny().orElse(null);
        if (probe != null) {
            throw new IllegalStateException("group " + group + " of " + channel
                    + " still has a member here (expected: close its subscriptions first)");
        }
        Names names = ctx.topology().names();
        for (int p = 0; p < names.partitions(); p++) {
            ctx.topology().deleteQueue(names.partitionQueue(channel, group, p));
        }
    }

    /** The queues this broker declared, for tests on a shared broker, which delete them after. */
    List<String> declaredQueues() {
        return ctx.topology().declaredQueues();
    }

    /** The rebalance ticks run so far, for tests of what each costs. */
    long ticks() {
        return ticks.get();
    }

    /** The passive declares asked of RabbitMQ so far (lookups of exchanges and queues), for tests. */
    long lookups() {
        return ctx.topology().lookups();
    }

    /** The exchanges this broker declared. */
    List<String> declaredExchanges() {
        return ctx.topology().declaredExchanges();
    }

    /** The partitions {@code subscription} holds now, for tests. */
    static List<Integer> partitions(Subscription subscription) {
        return ((GroupMember) subscription).partitions();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.shutdownNow();
        confirmTimeouts.shutdownNow();
        for (GroupMember m : members) {
            m.close();
        }
        ctx.publisher().close();
        ctx.topology().close();
        consumeLink.close();
        publishLink.close();
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("RabbitMQ broker: handlers still running 10 s after close; they ignore interruption");
            }
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            confirmTimeouts.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RabbitBroker[" + config + "]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + (value == null ? "null" : "\"\"") + " (expected: a non-empty string)");
        }
    }
}
