package io.courier.messaging.internal;

import io.courier.CallContext;
import io.courier.CancelledException;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.MessageSizes;
import io.courier.Metadata;
import io.courier.Scheduler;
import io.courier.Status;
import io.courier.Ticker;
import io.courier.UnavailableException;
import io.courier.UnimplementedException;
import io.courier.internal.Errors;
import io.courier.internal.RequiredValues;
import io.courier.messaging.GroupCounts;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.messaging.ProcessedMessages;
import io.courier.messaging.RetryPolicy;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.MessageBroker;
import io.courier.messaging.spi.ReplyChannelNotFoundException;
import io.courier.spi.Codec;
import io.courier.spi.Codecs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every part of one {@code Messaging} shares: its name, broker, codecs, time, threads and
 * policies, and the helpers that build, send and answer messages.
 */
public final class MessagingRuntime {
    private static final Logger log = LoggerFactory.getLogger(MessagingRuntime.class);

    /** The context every handler's starts from: a call carried in by the broker. */
    private static final CallContext FROM_BROKER = CallContext.empty().withTransport("broker");

    /** The headers of a successful reply. */
    private static final Metadata OK = Metadata.of(MessageHeaders.STATUS, "OK");

    /** The most characters of a channel name from a message a log line quotes. */
    private static final int SHOWN = 200;

    public final String name;
    public final MessageBroker broker;
    public final Codecs codecs;
    public final Ticker ticker;
    public final Scheduler scheduler;
    public final RetryPolicy retry;
    public final ProcessedMessages processed;
    final ExecutorService handlers;
    final AtomicLong droppedReplies = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong expired = new AtomicLong();
    final AtomicInteger parkedKeys = new AtomicInteger();
    /**
     * Counts by group, from the group's first subscription: dead letters (poison at 0, after
     * retries at 1) and redeliveries (at 2).
     */
    private final ConcurrentMap<GroupOf, AtomicLongArray> groupCounts = new ConcurrentHashMap<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    public MessagingRuntime(String name, MessageBroker broker, Codecs codecs, Ticker ticker, Scheduler scheduler,
                            RetryPolicy retry, ProcessedMessages processed, ExecutorService handlers) {
        this.name = name;
        this.broker = broker;
        this.codecs = codecs;
        this.ticker = ticker;
        this.scheduler = scheduler;
        this.retry = retry;
        this.processed = processed;
        this.handlers = handlers;
    }

    /** The codec messages are written with. */
    public Codec codec() {
        return codecs.defaultCodec().orElseThrow(() -> new UnimplementedException("no codec registered (expected:"
                + " Messaging.builder().codec(...), or a codec module such as courier-json on the class path)"));
    }

    /** The codec a received message's payload is read with. */
    Codec codecOf(Message m) throws PoisonMessageException {
        String type = m.contentType().orElseThrow(() -> new PoisonMessageException("missing header "
                + MessageHeaders.CONTENT_TYPE + " on " + m + " (expected: the payload's media type)"));
        return codecs.forContentType(type).orElseThrow(() -> new PoisonMessageException("content type " + type + " of "
                + m + " has no codec (registered: " + codecs.mediaTypes() + ")"));
    }

    /** The payload of {@code m} as {@code type}. */
    Object decode(Message m, Type type) throws PoisonMessageException {
        Codec codec = codecOf(m);
        try {
            return codec.decode(m.payload(), type, m.contentType().orElse(null));
        } catch (RuntimeException e) {
            throw new PoisonMessageException("undecodable payload of " + m + " as " + type.getTypeName() + ": "
                    + e.getMessage());
        }
    }

    /**
     * The payload of {@code m} as {@code type}, with Courier's null rule applied: a {@code null}
     * payload, or a record missing a required component, is a poison message naming what is missing.
     */
    Object decodeRequired(Message m, Type type) throws PoisonMessageException {
        Object value = decode(m, type);
        try {
            // "payload", not the message's description: this runs for every message, the text only on failure.
            return RequiredValues.check("payload", type, value);
        } catch (InvalidArgumentException e) {
            throw new PoisonMessageException(e.getMessage() + " in " + m);
        }
    }

    /** The required type header of {@code m}. */
    static String typeOf(Message m) throws PoisonMessageException {
        return m.type().orElseThrow(() -> new PoisonMessageException("missing header " + MessageHeaders.TYPE + " on "
                + m + " (expected: the message's type)"));
    }

    /** Sends and waits for the broker to accept, failing as a {@link CourierException}. */
    public void send(Message message) {
        try {
            broker.send(message).join();
        } catch (CompletionException | CancellationException e) {
            throw sendFailure(message, e);
        }
    }

    /** Sends; the future fails with a {@link CourierException} when the broker does not accept. */
    CompletableFuture<Void> sendAsync(Message message) {
        CompletableFuture<Void> sent;
        try {
            sent = broker.send(message);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(sendFailure(message, e));
        }
        return sent.handle((v, failure) -> {
            if (failure != null) {
                throw sendFailure(message, failure);
            }
            return null;
        });
    }

    private static CourierException sendFailure(Message message, Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof CourierException c ? c
                : new UnavailableException("sending " + message + " failed: " + cause, Map.of(), false, cause);
    }

    /**
     * Answers {@code request} with {@code value}, if it asks for a reply and its deadline has not
     * passed: past it, the caller has stopped waiting and the reply would only be dropped there.
     */
    void reply(Message request, Object value, Type type) {
        reply(request, value, type, null);
    }

    /** As {@link #reply(Message, Object, Type)}, naming the scatter-gather {@code responder} (or null). */
    void reply(Message request, Object value, Type type, String responder) {
        if (expired(request)) {
            return;
        }
        request.replyTo().ifPresent(to -> {
            if (!replyChannel(request, to)) {
                return;
            }
            Codec codec = codec();
            byte[] payload = type == void.class || type == Void.class ? new byte[0] : codec.encode(value, type);
            try {
                send(replyTo(request, to, responder, OK).contentType(codec.contentType(type)).payload(payload).build());
            } catch (ReplyChannelNotFoundException e) {
                dropReply(request, to, "does not exist (its requester closed, or never made it)");
            } catch (CourierException e) {
                if (e.retrySafe()) {
                    throw e; // the broker may take it later: handled again, as after any failure
                }
                // Refused for good (a reply channel the broker does not accept, a reply too large):
                // handling the request again would only be refused again. The caller hears of it if it can.
                log.warn("{}: the broker refused the reply to {}: {}", name, request, e.toString());
                try {
                    send(replyTo(request, to, responder, ErrorHeaders.write(new InternalException(
                            "the reply could not be sent: " + e.getMessage()))).build());
                } catch (CourierException again) {
                    // the same channel, refused again: the warning above says it
                }
            }
        });
    }

    /** Answers {@code request} with {@code error}, if it asks for a reply and its deadline has not passed. */
    void replyError(Message request, CourierException error) {
        replyError(request, error, null);
    }

    /** As {@link #replyError(Message, CourierException)}, naming the scatter-gather {@code responder} (or null). */
    void replyError(Message request, CourierException error, String responder) {
        if (expired(request)) {
            return;
        }
        request.replyTo().ifPresent(to -> {
            if (!replyChannel(request, to)) {
                return;
            }
            try {
                send(replyTo(request, to, responder, ErrorHeaders.write(error)).build());
            } catch (ReplyChannelNotFoundException e) {
                dropReply(request, to, "does not exist (its requester closed, or never made it)");
            } catch (CourierException e) {
                log.warn("{}: could not send the error reply to {}: {}", name, request, e.toString());
            }
        });
    }

    /**
     * Whether {@code channel}, the reply-to of {@code request}, names a reply channel (a
     * requester's, {@code <name>.replies.<8 hex digits>}); if not, the reply is dropped: whoever
     * sent the request may not have this service write to another service's channel.
     */
    private boolean replyChannel(Message request, String channel) {
        if (ReplyRouter.isReplyChannel(channel)) {
            return true;
        }
        dropReply(request, channel, "is not a reply channel (expected: " + ReplyRouter.REPLY_CHANNEL_FORM + ")");
        return false;
    }

    /**
     * Drops the reply to {@code request} that cannot go to {@code channel}: one line, counted
     * with the replies nobody waited for. A reply never creates its channel.
     */
    private void dropReply(Message request, String channel, String why) {
        log.warn("{}: dropping the reply to {}: reply channel {} {}", name, request,
                channel.length() > SHOWN ? channel.substring(0, SHOWN) + "..." : channel, why);
        droppedReplies.incrementAndGet();
    }

    private static boolean expired(Message request) {
        return request.deadline().map(Deadline::expired).orElse(false);
    }

    /**
     * A reply to {@code request} on {@code channel} with {@code headers} (its status, or its
     * error's headers) and, from a scatter-gather responder, its name: a gathering counts each
     * responder once by it, the error replies too.
     */
    private Message.Builder replyTo(Message request, String channel, String responder, Metadata headers) {
        return Message.builder().channel(channel).correlationId(request.id()).source(name)
                .traceContext(request.traceContext().orElse(null))
                .headers(responder == null ? headers : headers.with(MessageHeaders.RESPONDER, responder));
    }

    /** The context a handler of {@code m} runs in: its deadline, user headers and sender. */
    static CallContext contextOf(Message m) {
        // Only what the message has is added: each withX copies the context, for every message.
        CallContext context = FROM_BROKER;
        Deadline deadline = m.deadline().orElse(null);
        if (deadline != null) {
            context = context.withDeadline(deadline);
        }
        Metadata user = userHeaders(m);
        if (!user.isEmpty()) {
            context = context.withMetadata(user);
        }
        String source = m.source().orElse(null);
        if (source != null) {
            context = context.withCaller(source);
        }
        // The payload is the call's request, as the broker carried it: metrics read its size.
        MessageSizes sizes = MessageSizes.create();
        sizes.request(m.payloadSize());
        return context.withSizes(sizes);
    }

    /** The trace context and the headers of {@code m} that are not Courier's own. */
    private static Metadata userHeaders(Message m) {
        UserHeaders user = new UserHeaders();
        // The trace goes on in the handler's own calls and messages.
        String trace = m.traceContext().orElse(null);
        if (trace != null) {
            user.accept(MessageHeaders.TRACE_CONTEXT, trace);
        }
        m.headers().forEach(user);
        return user.builder == null ? Metadata.empty() : user.builder.build();
    }

    /** Collects the headers a handler sees, making a builder only for the first one. */
    private static final class UserHeaders implements BiConsumer<String, String> {
        Metadata.Builder builder;

        @Override
        public void accept(String name, String value) {
            if (name.startsWith("courier-")) {
                return;
            }
            if (builder == null) {
                builder = Metadata.builder();
            }
            builder.add(name, value);
        }
    }

    /**
     * The answer for a handler's failure when someone waits for it, or null when the failure
     * should be retried. Courier exceptions the handler threw are answers, as over RPC, and so
     * are missing features. A failure of a call the handler made is retried when that call was
     * refused before doing anything (retry-safe), else answered as this handler's own failure,
     * never retry-safe. Anything else, an {@link IllegalArgumentException} of the handler's own
     * code included, is a bug: retried, then dead-lettered.
     */
    static CourierException answerFor(Throwable failure, String what) {
        Throwable t = unwrap(failure);
        if (t instanceof CourierException c) {
            if (!Errors.isDownstream(c)) {
                return c;
            }
            return c.retrySafe() ? null : Errors.ownFailure(c, what);
        }
        if (t instanceof UnsupportedOperationException) {
            return new UnimplementedException(what + " is not implemented by this service");
        }
        return null;
    }

    /**
     * The poison {@code m} is when it was refused as {@code UNAUTHENTICATED} or
     * {@code PERMISSION_DENIED} by this consumer (its server interceptors, such as an access
     * control checking a publisher's signature, or its handler), not by a call the handler made;
     * else null. Such a refusal is of the message itself, and another attempt would be refused
     * the same: it is dead-lettered at once. The reason names the message, the refusal and, when
     * the refusal says it (as its cause, which never crosses the wire), why.
     */
    static PoisonMessageException refusal(Message m, Throwable failure) {
        Throwable t = unwrap(failure);
        if (!(t instanceof CourierException c) || Errors.isDownstream(c)
                || (c.status() != Status.UNAUTHENTICATED && c.status() != Status.PERMISSION_DENIED)) {
            return null;
        }
        Throwable cause = c.getCause();
        String why = cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")";
        return new PoisonMessageException(m + " refused by this consumer: " + c.status() + " " + c.getMessage() + why
                + " (expected: a message this consumer accepts, such as an event signed by a publisher it trusts;"
                + " a refusal is not retried)");
    }

    /** The error a caller gets when the handler gave up after every attempt. */
    static CourierException gaveUp(String what, int attempts) {
        return new InternalException(what + " failed after " + attempts
                + " attempts and was dead-lettered (the service's log has the details)");
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Runs {@code task} on a handler thread; does nothing once closed. */
    void execute(Runnable task) {
        try {
            handlers.execute(task);
        } catch (RejectedExecutionException e) {
            // closing: the task's message is unacknowledged and will be delivered again
        }
    }

    /** Consumes {@code channel} as {@code group} through {@code processor}, keeping order per key. */
    public Subscription consume(String channel, String group, Processor processor) {
        if (closed) {
            throw new IllegalStateException("Messaging " + name + " is closed");
        }
        groupCounts.computeIfAbsent(new GroupOf(channel, group), k -> new AtomicLongArray(3));
        KeyedConsumer consumer = new KeyedConsumer(this, channel, group, processor);
        Subscription s = consumer.start();
        subscriptions.add(s);
        return s;
    }

    /** Closes every subscription made through this runtime. */
    public void closeSubscriptions() {
        closed = true;
        for (Subscription s : subscriptions) {
            s.close();
        }
    }

    /**
     * Replies received with no one waiting for them (late, duplicate or unknown), and replies not
     * sent because their reply-to named no reply channel that exists.
     */
    public long droppedReplies() {
        return droppedReplies.get();
    }

    /** Messages skipped because their group had already handled them. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Messages dropped unhandled because their deadline had passed. */
    public long expired() {
        return expired.get();
    }

    /** Partition keys waiting for a failed message's next attempt now. */
    public int parkedKeys() {
        return parkedKeys.get();
    }

    /** Messages sent to a dead-letter channel: poison ones, or after their last attempt failed. */
    public long deadLettered(boolean poison) {
        long n = 0;
        for (AtomicLongArray counts : groupCounts.values()) {
            n += counts.get(poison ? 0 : 1);
        }
        return n;
    }

    /** Messages {@code group} of {@code channel} sent to its dead-letter channel; 0 for a group never consumed as. */
    public long deadLettered(String channel, String group, boolean poison) {
        AtomicLongArray counts = groupCounts.get(new GroupOf(channel, group));
        return counts == null ? 0 : counts.get(poison ? 0 : 1);
    }

    /** The counts of every group consumed as, by channel and group. */
    public List<GroupCounts> groupCounts() {
        List<GroupCounts> out = new ArrayList<>();
        groupCounts.forEach((g, counts) -> out.add(new GroupCounts(g.channel(), g.group(), counts.get(2), counts.get(0),
                counts.get(1))));
        out.sort(Comparator.comparing(GroupCounts::channel).thenComparing(GroupCounts::group));
        return out;
    }

    /** Counts a message {@code group} of {@code channel} sent to its dead-letter channel. */
    void countDeadLetter(String channel, String group, boolean poison) {
        groupCounts.computeIfAbsent(new GroupOf(channel, group), k -> new AtomicLongArray(3))
                .incrementAndGet(poison ? 0 : 1);
    }

    /** Messages delivered to {@code group} of {@code channel} again; 0 for a group never consumed as. */
    public long redelivered(String channel, String group) {
        AtomicLongArray counts = groupCounts.get(new GroupOf(channel, group));
        return counts == null ? 0 : counts.get(2);
    }

    /** Counts a message delivered to {@code group} of {@code channel} again. */
    void countRedelivery(String channel, String group) {
        groupCounts.computeIfAbsent(new GroupOf(channel, group), k -> new AtomicLongArray(3)).incrementAndGet(2);
    }

    private record GroupOf(String channel, String group) {
    }

    static CourierException closedError(String what) {
        return new CancelledException(what + ": messaging closed before an answer came");
    }
}
