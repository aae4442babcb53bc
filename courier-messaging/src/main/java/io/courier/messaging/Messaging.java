package io.courier.messaging;

import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.Interceptor;
import io.courier.Limits;
import io.courier.Metadata;
import io.courier.Scheduler;
import io.courier.Ticker;
import io.courier.contract.ChannelUse;
import io.courier.contract.ServiceDescriptor;
import io.courier.internal.Checks;
import io.courier.messaging.internal.ChannelUses;
import io.courier.messaging.internal.CommandClient;
import io.courier.messaging.internal.CommandServer;
import io.courier.messaging.internal.DeadLetters;
import io.courier.messaging.internal.EventClient;
import io.courier.messaging.internal.MessagingRuntime;
import io.courier.messaging.internal.ReplyRouter;
import io.courier.messaging.internal.TypedConsumer;
import io.courier.messaging.spi.MessageBroker;
import io.courier.spi.ChannelCatalog;
import io.courier.spi.Codec;
import io.courier.spi.Codecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The asynchronous interaction styles over a {@link MessageBroker}, with the same contracts and
 * codecs as RPC:
 *
 * <pre>{@code
 * Messaging messaging = Messaging.builder().name("order-service")
 *     .broker(InMemoryBroker.create()).codec(JsonCodec.create()).build();
 *
 * // one-way notification and async request/response: a contract's methods as commands
 * KitchenCommands kitchen = messaging.commands(KitchenCommands.class);
 * kitchen.notifyDelay(orderId);                                   // @OneWay: returns at once
 * kitchen.createTicket(orderId, details).thenAccept(ticket -> ...); // reply, or DeadlineExceededException
 * messaging.handle(KitchenCommands.class, new Kitchen());         // serving them, in the kitchen service
 *
 * // publish/subscribe: every group gets every event; same key, same order
 * messaging.subscribe(OrderCreated.class, "billing", event -> bill(event));
 * messaging.publish(new OrderCreated(orderId, total), orderId);
 *
 * // publish/async responses (scatter-gather)
 * messaging.respond(QuoteRequest.class, "courier-a", request -> quote(request));
 * Replies<Quote> quotes = messaging.scatter(new QuoteRequest(orderId), Quote.class, 3, Duration.ofSeconds(1)).join();
 * }</pre>
 *
 * <h2>Channels</h2>
 * Commands of a contract go to {@code <service>.commands}, consumed by the group named after the
 * service. Events and scatter-gather requests go to a channel named after their type's simple
 * name (the {@code courier-type} of the message), unless a channel is given. Replies go to a
 * channel of this instance, {@code <name>.replies.<8 hex digits>}; a reply goes to no other
 * channel, and only to one that exists.
 *
 * <h2>Consumers</h2>
 * Every consumer ({@link #handle}, {@link #subscribe}, {@link #respond}) handles messages with
 * the same partition key one at a time, in order, and different keys concurrently on virtual
 * threads, with the message's {@link io.courier.CallContext} current (its deadline, its user
 * headers, its sender as caller). A handler that throws is retried with the
 * {@link RetryPolicy}'s backoff while its key is parked (later messages of the key wait, other
 * keys go on); after the last attempt, the message goes to the group's dead-letter channel
 * ({@link #deadLetterChannel}) with the reason in its headers. Poison messages (undecodable
 * payload, a required header missing, an unknown type) go there at once. A message whose
 * deadline has passed is dropped unhandled. A handler's {@link io.courier.CourierException} for
 * a command or request that expects a reply is the answer: the caller gets the same typed
 * error, and the message is not retried. With {@link Builder#processedMessages}, a message a
 * group has already handled is skipped (idempotent consumer).
 *
 * <p>Thread-safe. Closing stops every consumer made here and fails the requests still waiting;
 * the broker is not closed, since it may be shared.
 */
public final class Messaging implements AutoCloseable, ChannelCatalog {
    /** The group that reads dead-letter channels. */
    public static final String DEAD_LETTER_READERS = "courier-dead-letter-readers";

    private final MessagingRuntime rt;
    private final ReplyRouter replies;
    private final EventClient events;
    private final ChannelUses uses = new ChannelUses();
    private final Duration defaultTimeout;
    private final List<Interceptor> clientInterceptors;
    private final List<Interceptor> serverInterceptors;
    private final ScheduledThreadPoolExecutor ownTimer;
    private final ExecutorService handlers;

    private Messaging(Builder b) {
        List<Codec> codecs = new ArrayList<>();
        if (b.loadCodecs) {
            ServiceLoader.load(Codec.class, Messaging.class.getClassLoader()).forEach(codecs::add);
        }
        codecs.addAll(b.codecs);
        codecs.replaceAll(c -> Objects.requireNonNull(c.withLimits(b.limits), () -> c + ".withLimits returned null"));
        Scheduler scheduler = b.scheduler;
        if (scheduler == null) {
            ownTimer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon()
                    .name("courier-messaging-timer-" + b.name).factory());
            ownTimer.setRemoveOnCancelPolicy(true);
            scheduler = Scheduler.of(ownTimer);
        } else {
            ownTimer = null;
        }
        this.handlers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("courier-messaging-" + b.name + "-", 0).factory());
        this.rt = new MessagingRuntime(b.name, b.broker, Codecs.of(codecs), b.ticker, scheduler, b.retry,
                b.processedMessages, handlers);
        this.replies = new ReplyRouter(rt);
        this.defaultTimeout = b.timeout;
        this.clientInterceptors = List.copyOf(b.clientInterceptors);
        this.serverInterceptors = List.copyOf(b.serverInterceptors);
        this.events = new EventClient(rt, replies, clientInterceptors);
    }

    /**
     * What this instance has shown it does on channels so far: the contracts it handles and sends
     * commands of, the events it subscribes to and has published, the scatter-gather requests it
     * answers and has sent. An AsyncAPI description of the service is made from it
     * ({@code courier-http}'s {@code AsyncApi}).
     */
    @Override
    public List<ChannelUse> channelUses() {
        return uses.list();
    }

    /** A builder; a broker is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** This instance's name: the {@code source} of the messages it sends, and the prefix of its reply channel. */
    public String name() {
        return rt.name;
    }

    /**
     * A proxy of {@code contract} whose calls are commands, with the default timeout.
     *
     * @throws io.courier.contract.InvalidContractException when the contract is invalid
     */
    public <T> T commands(Class<T> contract) {
        return client(contract).build();
    }

    /**
     * A proxy of {@code contract} whose calls are commands: {@code @OneWay} methods return once
     * the broker has the command; methods returning a {@code CompletableFuture} get the reply
     * through it, or {@link DeadlineExceededException} when {@code timeout} (or the current
     * call's earlier deadline) passes first; other methods wait for the reply.
     */
    public <T> T commands(Class<T> contract, Duration timeout) {
        return client(contract).timeout(timeout).build();
    }

    /**
     * A builder for a command client of {@code contract}, with interceptors of its own (a
     * {@code Resilience}, say) inside this instance's {@linkplain Builder#clientInterceptor
     * client interceptors}: the same {@link Interceptor} shape, and the same proxy, as a REST or
     * gRPC client of the contract.
     */
    public <T> CommandClientBuilder<T> client(Class<T> contract) {
        Objects.requireNonNull(contract, "contract");
        return new CommandClientBuilder<>(contract);
    }

    /** Options of one command client; not thread-safe, the client it builds is. */
    public final class CommandClientBuilder<T> {
        private final Class<T> contract;
        private Duration timeout = defaultTimeout;
        private Metadata headers = Metadata.empty();
        private final List<Interceptor> interceptors = new ArrayList<>();

        private CommandClientBuilder(Class<T> contract) {
            this.contract = contract;
        }

        /** How long a command that expects a reply waits for it (default: the instance's timeout). */
        public CommandClientBuilder<T> timeout(Duration timeout) {
            Checks.positive("timeout", timeout);
            this.timeout = timeout;
            return this;
        }

        /** A header sent with every command, read by the handler as call metadata. */
        public CommandClientBuilder<T> header(String name, String value) {
            this.headers = headers.with(name, value);
            return this;
        }

        /** An interceptor for this client's calls, inside the instance's own. */
        public CommandClientBuilder<T> interceptor(Interceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * The client: a proxy of the contract, safe to share between threads.
         *
         * @throws io.courier.contract.InvalidContractException when the contract is invalid
         */
        public T build() {
            List<Interceptor> all = new ArrayList<>(clientInterceptors);
            all.addAll(interceptors);
            ServiceDescriptor service = ServiceDescriptor.of(contract);
            uses.commands(service, CommandServer.channel(service), false);
            return CommandClient.proxy(rt, replies, contract, timeout, headers, all);
        }
    }

    /**
     * Serves {@code impl} from the command channel of its contract, as the group named after
     * the service, so instances of the service compete for commands.
     */
    public <T> Subscription handle(Class<T> contract, T impl) {
        Objects.requireNonNull(impl, "impl");
        ServiceDescriptor service = ServiceDescriptor.of(contract);
        uses.commands(service, CommandServer.channel(service), true);
        return rt.consume(CommandServer.channel(service), service.name(),
                new CommandServer(rt, service, impl, serverInterceptors));
    }

    /** Publishes {@code event} without a partition key; returns its message id once the broker has it. */
    public String publish(Object event) {
        return publish(event, null);
    }

    /**
     * Publishes {@code event} to the channel named after its type, with {@code partitionKey}
     * (events with the same key are handled in order); returns its message id once the broker
     * has it.
     */
    public String publish(Object event, String partitionKey) {
        return publish(channelOf(event.getClass()), event, partitionKey);
    }

    /** Publishes {@code event} to {@code channel}; returns its message id once the broker has it. */
    public String publish(String channel, Object event, String partitionKey) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(event, "event");
        uses.published(channel, event.getClass());
        return events.publish(channel, event, partitionKey);
    }

    /**
     * Publishes {@code event} to the channel named after its type without waiting: the future
     * completes with its message id once the broker has it (as {@link #publish(Object, String)}
     * returns), or fails with a {@link io.courier.CourierException} ({@link
     * io.courier.UnavailableException} when the broker did not take it; the message keeps its id,
     * so publishing it again is safe for an idempotent consumer). Many publishes can be
     * outstanding at once, which is how one thread keeps a broker busy.
     */
    public CompletableFuture<String> publishAsync(Object event, String partitionKey) {
        return publishAsync(channelOf(event.getClass()), event, partitionKey);
    }

    /** Publishes {@code event} to {@code channel} without waiting; see {@link #publishAsync(Object, String)}. */
    public CompletableFuture<String> publishAsync(String channel, Object event, String partitionKey) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(event, "event");
        uses.published(channel, event.getClass());
        return events.publishAsync(channel, event, partitionKey);
    }

    /**
     * Consumes the events of {@code type} from the channel named after it, as a member of
     * {@code group}: every group gets every event, the members of a group share them.
     */
    public <E> Subscription subscribe(Class<E> type, String group, Consumer<? super E> handler) {
        return subscribe(channelOf(type), type, group, handler);
    }

    /** As {@link #subscribe(Class, String, Consumer)}, from {@code channel}. */
    public <E> Subscription subscribe(String channel, Class<E> type, String group, Consumer<? super E> handler) {
        Objects.requireNonNull(handler, "handler");
        requireText(group, "group");
        uses.subscribed(channel, type, group);
        return rt.consume(channel, group, new TypedConsumer<>(rt, channel, type, e -> {
            handler.accept(e);
            return null;
        }, null, serverInterceptors));
    }

    /**
     * Answers the scatter-gather requests of {@code type} as {@code responder}: each responder
     * is its own group, so each gets every request; the function's result is the reply.
     */
    public <Q> Subscription respond(Class<Q> type, String responder, Function<? super Q, ?> handler) {
        Objects.requireNonNull(handler, "handler");
        requireText(responder, "responder");
        String channel = channelOf(type);
        uses.responds(channel, type, responder);
        return rt.consume(channel, responder, new TypedConsumer<>(rt, channel, type, handler, responder, serverInterceptors));
    }

    /**
     * Publishes {@code request} and gathers replies of {@code replyType}, one per responder,
     * until {@code expected} responders have answered or {@code timeout} passes; the future then
     * completes with what came. It never completes exceptionally for lack of replies: an empty
     * or partial {@link Replies} says who answered.
     */
    public <R> CompletableFuture<Replies<R>> scatter(Object request, Class<R> replyType, int expected, Duration timeout) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(replyType, "replyType");
        Checks.positive("timeout", timeout);
        if (expected < 1) {
            throw new IllegalArgumentException("expected: " + expected + " (expected: > 0)");
        }
        uses.scattered(channelOf(request.getClass()), request.getClass(), replyType);
        return events.scatter(channelOf(request.getClass()), request, replyType, expected,
                Deadline.after(timeout, rt.ticker));
    }

    /**
     * Reads the dead letters of {@code group} on {@code channel}, handing each to
     * {@code handler}, which settles it ({@link DeadLetter#replay()} or
     * {@link DeadLetter#discard()}) now or later. Readers share the group
     * {@value #DEAD_LETTER_READERS}, so each letter goes to one of them.
     */
    public Subscription deadLetters(String channel, String group, Consumer<DeadLetter> handler) {
        Objects.requireNonNull(handler, "handler");
        return rt.broker.subscribe(deadLetterChannel(channel, group), DEAD_LETTER_READERS,
                delivery -> handler.accept(new DeadLetter(delivery, rt::send)));
    }

    /** Replays every dead letter of {@code group} on {@code channel} until the subscription is closed. */
    public Subscription replayDeadLetters(String channel, String group) {
        return deadLetters(channel, group, DeadLetter::replay);
    }

    /** The channel where {@code group}'s dead letters from {@code channel} go. */
    public static String deadLetterChannel(String channel, String group) {
        return DeadLetters.channel(channel, group);
    }

    /** The channel of events and requests of {@code type}, and their {@code courier-type}: the type's simple name. */
    public static String channelOf(Class<?> type) {
        return TypedConsumer.typeName(type);
    }

    /** The channel the commands of {@code contract} go to. */
    public static String commandChannel(Class<?> contract) {
        return CommandServer.channel(ServiceDescriptor.of(contract));
    }

    /**
     * Replies dropped since start: received while nobody waited for them (late, duplicate or
     * unknown), or not sent because the request's reply-to named no reply channel that exists.
     */
    public long droppedReplies() {
        return rt.droppedReplies();
    }

    /** Messages skipped since start because their group had already handled them. */
    public long duplicatesSkipped() {
        return rt.duplicates();
    }

    /**
     * Messages dropped since start because their deadline had passed: unhandled, or with their
     * handler interrupted at the deadline.
     */
    public long expiredDropped() {
        return rt.expired();
    }

    /**
     * How many messages of {@code channel} this instance's broker's consumers in {@code group}
     * have not fetched yet, when the broker can tell ({@code courier-kafka} does, from its
     * consumers' {@code records-lag} metrics); empty otherwise.
     */
    public OptionalLong consumerLag(String channel, String group) {
        return rt.broker.consumerLag(channel, group);
    }

    /**
     * The lag of {@code group} on each partition of {@code channel}, for the whole group, as the
     * broker keeps it (Kafka: end offsets minus the group's committed offsets; RabbitMQ: the
     * messages ready in each partition queue); empty when the broker cannot tell. Asks the broker.
     *
     * @throws io.courier.UnavailableException when the broker does not answer
     */
    public Map<Integer, Long> partitionLag(String channel, String group) {
        return rt.broker.partitionLag(channel, group);
    }

    /**
     * Why this instance's broker cannot carry messages now (not connected, a consumer not yet
     * assigned its share of a group), or empty when it can: for readiness probes; quick.
     */
    public Optional<String> notReady() {
        return rt.broker.notReady();
    }

    /**
     * Partition keys parked now: a message of the key failed and waits for its next attempt
     * ({@link RetryPolicy}'s backoff), the key's later messages waiting behind it.
     */
    public int parkedKeys() {
        return rt.parkedKeys();
    }

    /**
     * Messages this instance's consumers sent to a dead-letter channel since start: poison ones
     * ({@code poison} true: a type the consumer does not know, a payload it cannot decode) or
     * those whose last attempt failed ({@code poison} false).
     */
    public long deadLettered(boolean poison) {
        return rt.deadLettered(poison);
    }

    /**
     * Messages {@code group} of {@code channel} sent to its dead-letter channel through this
     * instance since it subscribed: poison ones, or those whose last attempt failed (as
     * {@link #deadLettered(boolean)}); 0 for a group this instance never consumed as.
     */
    public long deadLettered(String channel, String group, boolean poison) {
        return rt.deadLettered(channel, group, poison);
    }

    /**
     * Messages delivered again to {@code group} of {@code channel} through this instance since
     * it subscribed (after a nack, a consumer's failure or a lost connection: deliveries whose
     * {@link io.courier.messaging.spi.Delivery#deliveryCount()} was over 1); 0 for a group this
     * instance never consumed as.
     */
    public long redelivered(String channel, String group) {
        return rt.redelivered(channel, group);
    }

    /**
     * The counts of every group this instance consumes (or consumed) as, by channel and group:
     * redeliveries and dead letters, each group from its first subscription on, at 0 until the
     * first.
     */
    public List<GroupCounts> groupCounts() {
        return rt.groupCounts();
    }

    /**
     * Stops every consumer (their unacknowledged messages go back to the broker), fails the
     * requests still waiting with {@link io.courier.CancelledException}, and ends this
     * instance's threads. The broker stays open.
     */
    @Override
    public void close() {
        rt.closeSubscriptions();
        replies.close();
        handlers.shutdownNow();
        if (ownTimer != null) {
            ownTimer.shutdownNow();
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + (value == null ? "null" : "\"\"") + " (expected: a non-empty string)");
        }
    }

    /** Builds a {@link Messaging}; not thread-safe. */
    public static final class Builder {
        private String name = "courier";
        private MessageBroker broker;
        private final List<Codec> codecs = new ArrayList<>();
        private boolean loadCodecs = true;
        private Limits limits = Limits.defaults();
        private Ticker ticker = Ticker.system();
        private Scheduler scheduler;
        private Duration timeout = Duration.ofSeconds(30);
        private RetryPolicy retry = RetryPolicy.defaults();
        private ProcessedMessages processedMessages;
        private final List<Interceptor> clientInterceptors = new ArrayList<>();
        private final List<Interceptor> serverInterceptors = new ArrayList<>();

        private Builder() {
        }

        /**
         * An interceptor for everything this instance sends: every command client (outside the
         * per-client ones), every {@link Messaging#publish publish} and every
         * {@link Messaging#scatter scatter}. The same shape as
         * {@code Courier.Builder.clientInterceptor}, so one interceptor (metrics, tracing, auth)
         * serves REST, gRPC, commands and events alike. An event or scatter-gather request is a
         * call of {@code publish} or {@code scatter} on the contract of its channel
         * ({@link ServiceDescriptor#ofChannel}), whose one argument is the payload, with the
         * target {@code broker:<channel>}.
         */
        public Builder clientInterceptor(Interceptor interceptor) {
            clientInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * An interceptor for every message this instance handles: commands ({@link Messaging#handle}),
         * events ({@link Messaging#subscribe}, a call of {@code handle} on the contract of the
         * channel) and scatter-gather requests ({@link Messaging#respond}, a call of
         * {@code respond}), in the order added (first is outermost), after the message is decoded
         * and before the handler runs, with the message's {@link io.courier.CallContext} current.
         */
        public Builder serverInterceptor(Interceptor interceptor) {
            serverInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** The instance's name (default {@code courier}): the source of its messages. */
        public Builder name(String name) {
            requireText(name, "name");
            this.name = name;
            return this;
        }

        /** The broker; required. */
        public Builder broker(MessageBroker broker) {
            this.broker = Objects.requireNonNull(broker, "broker");
            return this;
        }

        /**
         * Adds a codec; the first added writes messages, every one added can read them. Without
         * any, the codecs on the class path ({@link ServiceLoader}) are used.
         */
        public Builder codec(Codec codec) {
            codecs.add(Objects.requireNonNull(codec, "codec"));
            loadCodecs = false;
            return this;
        }

        /**
         * The decode limits every codec enforces on received payloads (default
         * {@link Limits#defaults()}); a payload past one is a poison message, never retried.
         * Give the same limits as the {@code Courier} that serves the RPCs, so that a value
         * travels by message exactly when it travels by call.
         */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The time source of deadlines (default the system's); tests pass a fake one. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** What runs deadlines and retry backoff (default a timer thread of this instance). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The timeout of a command that expects a reply, unless given per contract (default 30 s). */
        public Builder timeout(Duration timeout) {
            Checks.positive("timeout", timeout);
            this.timeout = timeout;
            return this;
        }

        /** How a failing handler is retried before its message is dead-lettered (default {@link RetryPolicy#defaults()}). */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Turns on the idempotent consumer: messages a group has handled, by id, are skipped. */
        public Builder processedMessages(ProcessedMessages store) {
            this.processedMessages = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * The instance.
         *
         * @throws IllegalStateException when no broker was set
         */
        public Messaging build() {
            if (broker == null) {
                throw new IllegalStateException("broker: not set (expected: Messaging.builder().broker(...),"
                        + " e.g. InMemoryBroker.create())");
            }
            return new Messaging(this);
        }
    }
}
