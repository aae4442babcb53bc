package io.courier.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import io.courier.CourierException;
import io.courier.UnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;

/**
 * Publishes with publisher confirms: a send completes when RabbitMQ confirmed the message (it
 * is then on every queue it was routed to), and fails retry-safe when the broker refused it, the
 * connection was lost first, or no confirm came in time. A message whose confirm was lost may
 * have been delivered, so a retry can duplicate it; consumers drop duplicates by message id.
 *
 * <p>Confirms are asynchronous: each publish is written and remembered by its sequence number,
 * and the channel's {@link ConfirmListener} completes the futures of what the broker confirmed,
 * one or (with {@code multiple}) many at a time. Many sends are thus outstanding at once, and
 * RabbitMQ writes their messages to disk together. Timeouts are not a timer per send: {@link
 * #expire()}, run periodically by the broker, fails the oldest outstanding sends once they are
 * older than the timeout, so a send fails between {@code timeout} and {@code timeout} plus the
 * period after it was written. Thread-safe: publishing is serialised on one confirm channel.
 */
public final class Publisher {
    private final Link link;
    private final Duration timeout;
    private final Runnable onChannelLost;
    private Channel channel;
    private volatile ConcurrentNavigableMap<Long, Outstanding> pending = new ConcurrentSkipListMap<>();

    /** {@code onChannelLost} runs when the confirm channel closes unasked (a lost connection, a missing exchange). */
    public Publisher(Link link, Duration timeout, Runnable onChannelLost) {
        this.link = link;
        this.timeout = timeout;
        this.onChannelLost = onChannelLost;
    }

    /** Publishes to {@code exchange}; the future completes on the broker's confirm. */
    public CompletableFuture<Void> publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
        Outstanding confirmed = new Outstanding(exchange, System.nanoTime());
        synchronized (this) {
            Channel ch;
            try {
                ch = channel();
            } catch (IOException | RuntimeException e) {
                confirmed.completeExceptionally(e instanceof CourierException c ? c : unavailable(exchange, e));
                return confirmed;
            }
            long seq = ch.getNextPublishSeqNo();
            pending.put(seq, confirmed);
            try {
                ch.basicPublish(exchange, routingKey, props, body);
            } catch (IOException | RuntimeException e) {
                pending.remove(seq);
                confirmed.completeExceptionally(unavailable(exchange, e));
            }
        }
        return confirmed;
    }

    /** Fails, retry-safe, the sends that have waited for their confirm longer than the timeout. */
    public void expire() {
        long now = System.nanoTime();
        long limit = timeout.toNanos();
        // Sequence numbers grow with time, so the expired sends are the first ones.
        Iterator<Outstanding> oldestFirst = pending.values().iterator();
        while (oldestFirst.hasNext()) {
            Outstanding o = oldestFirst.next();
            if (now - o.writtenNanos < limit) {
                return;
            }
            oldestFirst.remove();
            o.completeExceptionally(new UnavailableException("RabbitMQ did not confirm a message to " + o.exchange
                    + " within " + timeout.toMillis() + " ms; it may or may not have it: send it again (it keeps its"
                    + " id, so consumers drop a duplicate)", Map.of(), true, null));
        }
    }

    private Channel channel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        Channel ch = link.channel();
        ch.confirmSelect();
        ConcurrentNavigableMap<Long, Outstanding> mine = new ConcurrentSkipListMap<>();
        ch.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                settle(mine, seq, multiple, null);
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                settle(mine, seq, multiple, new UnavailableException("RabbitMQ refused a message (nack); it was not"
                        + " stored, retry", Map.of(), true, null));
            }
        });
        ch.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                onChannelLost.run(); // before the senders hear of it, so that their retry declares again
            }
            String exchange = Refusals.exchange(cause); // the one RabbitMQ refused or did not find, if it said
            int code = Refusals.code(cause);
            UnavailableException lost = new UnavailableException("the publishing channel to RabbitMQ closed before the"
                    + " broker confirmed the message (" + cause.getMessage() + "); it may or may not have it: send it"
                    + " again (it keeps its id, so consumers drop a duplicate)", Map.of(), true, cause);
            mine.values().forEach(f -> f.completeExceptionally(f.exchange.equals(exchange) ? refused(f.exchange, code, cause)
                    : lost));
            mine.clear();
        });
        pending = mine;
        channel = ch;
        return ch;
    }

    private static void settle(ConcurrentNavigableMap<Long, Outstanding> pending, long seq, boolean multiple,
                               RuntimeException error) {
        if (!multiple) {
            Outstanding o = pending.remove(seq);
            if (o != null) {
                complete(o, error);
            }
            return;
        }
        Map.Entry<Long, Outstanding> e;
        while ((e = pending.firstEntry()) != null && e.getKey() <= seq) {
            if (pending.remove(e.getKey(), e.getValue())) {
                complete(e.getValue(), error);
            }
        }
    }

    private static void complete(Outstanding o, RuntimeException error) {
        if (error == null) {
            o.complete(null);
        } else {
            o.completeExceptionally(error);
        }
    }

    /** The error of a send to {@code exchange}, the one RabbitMQ named when it closed the channel. */
    private CourierException refused(String exchange, int code, Throwable cause) {
        if (code == AMQP.NOT_FOUND) {
            // Not stored: the exchange was deleted. The next send declares it again (onChannelLost).
            return new UnavailableException("RabbitMQ exchange " + exchange + " was deleted on the broker; the message"
                    + " was not stored: send it again, which declares the exchange again", Map.of(), true, cause);
        }
        return Refusals.of(cause, "sending to RabbitMQ exchange " + exchange, link.user(), link.virtualHost());
    }

    private static UnavailableException unavailable(String exchange, Exception e) {
        return new UnavailableException("publishing to RabbitMQ exchange " + exchange + " failed (" + e
                + "); it was not sent, retry", Map.of(), true, e);
    }

    /** Closes the confirm channel; sends still waiting fail retry-safe. */
    public synchronized void close() {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException | TimeoutException | RuntimeException ignored) {
                // the connection closes next
            }
        }
    }

    /** A send waiting for its confirm: completes with it, or fails. */
    private static final class Outstanding extends CompletableFuture<Void> {
        final String exchange;
        final long writtenNanos;

        Outstanding(String exchange, long writtenNanos) {
            this.exchange = exchange;
            this.writtenNanos = writtenNanos;
        }
    }
}
