package io.courier.messaging.internal;

import io.courier.Deadline;
import io.courier.Scheduler;
import io.courier.messaging.Message;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.Delivery;
import io.courier.messaging.spi.DeliveryHandler;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's side of every request that expects replies: one reply channel per
 * {@code Messaging} instance, and the requests waiting on it by correlation id. A reply nobody
 * waits for (it came after the deadline, or twice, or for an unknown request) is dropped and
 * counted. Each request ends exactly once, by whoever removes it from the table first: its
 * reply (or last reply), its deadline, or the close of the instance.
 */
public final class ReplyRouter implements DeliveryHandler {
    private static final Logger log = LoggerFactory.getLogger(ReplyRouter.class);

    /** A request waiting for replies. */
    abstract static class Waiting {
        final String correlationId;
        volatile Scheduler.Task timer;

        Waiting(String correlationId) {
            this.correlationId = correlationId;
        }

        /** Takes a reply; false when it is not wanted (a duplicate, or too late). */
        abstract boolean accept(Message reply);

        /** The deadline it was {@linkplain #await(Waiting, Deadline) registered with} passed before it ended. */
        void expire() {
        }

        /** The messaging instance closed before the request ended. */
        abstract void abandon();
    }

    /** What a reply channel is called, for people. */
    static final String REPLY_CHANNEL_FORM = "<name>.replies.<8 hex digits>, a requester's own channel";
    private static final Pattern REPLY_CHANNEL = Pattern.compile(".+\\.replies\\.[0-9a-f]{8}");

    private final MessagingRuntime rt;
    private final String channel;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private volatile Subscription subscription;

    public ReplyRouter(MessagingRuntime rt) {
        this.rt = rt;
        this.channel = rt.name + ".replies." + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Whether {@code channel} is named as an instance's reply channel is: replies go to no other,
     * so a request's reply-to cannot have a service write to another service's channel.
     */
    static boolean isReplyChannel(String channel) {
        return REPLY_CHANNEL.matcher(channel).matches();
    }

    /** This instance's reply channel, subscribed on first use. */
    String channel() {
        if (subscription == null) {
            synchronized (this) {
                if (subscription == null) {
                    // A group of its own: the replies are for this instance only.
                    subscription = rt.broker.subscribe(channel, channel, this);
                }
            }
        }
        return channel;
    }

    /** Registers {@code w} until its reply, or the close of this router, ends it (or it is {@linkplain #finish finished}). */
    void await(Waiting w) {
        waiting.put(w.correlationId, w);
    }

    /**
     * Registers {@code w} until it ends or {@code deadline} passes: a gathering, whose end is
     * the close of its window rather than an error.
     */
    void await(Waiting w, Deadline deadline) {
        waiting.put(w.correlationId, w);
        w.timer = deadline.runOnExpiration(() -> {
            if (waiting.remove(w.correlationId, w)) {
                w.expire();
            }
        }, rt.scheduler);
        if (waiting.get(w.correlationId) != w) {
            w.timer.cancel(); // it ended before its timer was set
        }
    }

    /** Ends {@code w} now; true if this call ended it (and so owns its outcome). */
    boolean finish(Waiting w) {
        if (!waiting.remove(w.correlationId, w)) {
            return false;
        }
        Scheduler.Task timer = w.timer;
        if (timer != null) {
            timer.cancel();
        }
        return true;
    }

    @Override
    public void onDelivery(Delivery delivery) {
        Message reply = delivery.message();
        Waiting w = reply.correlationId().map(waiting::get).orElse(null);
        if (w == null || !w.accept(reply)) {
            rt.droppedReplies.incrementAndGet();
            log.debug("{}: dropping reply {}: no request waits for it (late, duplicate or unknown)", rt.name, reply);
        }
        delivery.ack();
    }

    /** Ends every waiting request with an error and stops consuming replies. */
    public void close() {
        for (Waiting w : waiting.values()) {
            if (finish(w)) {
                w.abandon();
            }
        }
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
    }
}
