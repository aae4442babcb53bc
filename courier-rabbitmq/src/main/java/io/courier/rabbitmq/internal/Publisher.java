package io.courier.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import io.courier.UnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes with publisher confirms: a send completes when RabbitMQ confirmed the message (it
 * is then on every queue it was routed to), and fails retry-safe when the broker refused it, the
 * connection was lost first, or no confirm came in time. A message whose confirm was lost may
 * have been delivered, so a retry can duplicate it; consumers drop duplicates by message id.
 * Thread-safe: publishing is serialised on one confirm channel.
 */
public final class Publisher {
    private final Link link;
    private final Duration timeout;
    private final Runnable onChannelLost;
    private Channel channel;
    private ConcurrentNavigableMap<Long, CompletableFuture<Void>> pending = new ConcurrentSkipListMap<>();

    /** {@code onChannelLost} runs when the confirm channel closes unasked (a lost connection, a missing exchange). */
    public Publisher(Link link, Duration timeout, Runnable onChannelLost) {
        this.link = link;
        this.timeout = timeout;
        this.onChannelLost = onChannelLost;
    }

    /** Publishes to {@code exchange}; the future completes on the broker's confirm. */
    public CompletableFuture<Void> publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        synchronized (this) {
            try {
                Channel ch = channel();
                pending.put(ch.getNextPublishSeqNo(), confirmed);
                ch.basicPublish(exchange, routingKey, props, body);
            } catch (IOException | RuntimeException e) {
                confirmed.completeExceptionally(e instanceof UnavailableException u ? u : unavailable(exchange, e));
                return confirmed;
            }
        }
        return confirmed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e ->
                CompletableFuture.failedFuture(e instanceof TimeoutException
                        ? new UnavailableException("RabbitMQ did not confirm a message to " + exchange + " within "
                                + timeout.toMillis() + " ms; it may or may not have it: send it again (it keeps its id, so consumers drop a duplicate)",
                                Map.of(), true, e)
                        : e));
    }

    private Channel channel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        Channel ch = link.channel();
        ch.confirmSelect();
        ConcurrentNavigableMap<Long, CompletableFuture<Void>> mine = new ConcurrentSkipListMap<>();
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
            UnavailableException lost = new UnavailableException("the publishing channel to RabbitMQ closed before the"
                    + " broker confirmed the message (" + cause.getMessage() + "); it may or may not have it: send it"
                    + " again (it keeps its id, so consumers drop a duplicate)", Map.of(), true, cause);
            mine.values().forEach(f -> f.completeExceptionally(lost));
            mine.clear();
        });
        pending = mine;
        channel = ch;
        return ch;
    }

    private static void settle(ConcurrentNavigableMap<Long, CompletableFuture<Void>> pending, long seq, boolean multiple,
                               RuntimeException error) {
        Map<Long, CompletableFuture<Void>> done = multiple ? pending.headMap(seq, true) : pending.subMap(seq, true, seq, true);
        for (Map.Entry<Long, CompletableFuture<Void>> e : done.entrySet()) {
            if (error == null) {
                e.getValue().complete(null);
            } else {
                e.getValue().completeExceptionally(error);
            }
        }
        done.clear();
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
}
