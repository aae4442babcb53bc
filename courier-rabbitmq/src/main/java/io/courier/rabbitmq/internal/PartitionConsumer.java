package io.courier.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.courier.messaging.Message;
import io.courier.messaging.spi.DeliveryHandler;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition queue held by one group member: an exclusive consumer on its own AMQP channel,
 * so that no other instance consumes the partition at the same time and its messages reach the
 * handler in order. The client dispatches one channel's deliveries one at a time, in order, on
 * the broker's virtual threads. Closing the channel returns every unacknowledged message to
 * the queue in its original order: that is both how a nack redelivers the rest of the
 * partition and how a partition moves to another member.
 */
final class PartitionConsumer {
    private static final Logger log = LoggerFactory.getLogger(PartitionConsumer.class);

    private final Context ctx;
    private final String channelName;
    private final String queue;
    private final DeliveryHandler handler;
    /** Told the queue's name when RabbitMQ cancels the consumer because the queue was deleted. */
    private final Consumer<String> onQueueDeleted;
    private Lease lease;
    private volatile boolean closed;

    PartitionConsumer(Context ctx, String channelName, String queue, DeliveryHandler handler,
                      Consumer<String> onQueueDeleted) {
        this.ctx = ctx;
        this.channelName = channelName;
        this.queue = queue;
        this.handler = handler;
        this.onQueueDeleted = onQueueDeleted;
    }

    /** Takes the partition if no one holds it; false if another consumer has it or the broker is unreachable. */
    synchronized boolean claim() {
        lease = open();
        return lease != null;
    }

    /** Whether this consumer still holds its partition. */
    synchronized boolean alive() {
        return !closed && lease != null && !lease.stale && lease.channel.isOpen();
    }

    /** Gives the partition up; its unacknowledged messages go back to the queue, in order. */
    void release() {
        Lease l;
        synchronized (this) {
            closed = true;
            l = lease;
        }
        if (l != null) {
            l.close();
        }
    }

    private Lease open() {
        Channel ch = null;
        try {
            ch = ctx.consumeLink().channel();
            ch.basicQos(ctx.config().prefetch());
            Lease l = new Lease(ch);
            ch.basicConsume(queue, false, "", false, true, null, l);
            return l;
        } catch (IOException | RuntimeException e) {
            log.debug("partition queue {} not taken: {}", queue, e.toString());
            if (ch != null && ch.isOpen()) {
                try {
                    ch.abort();
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
            return null;
        }
    }

    /** Redelivers every unacknowledged message of the partition, in order, after a nack. */
    private void restart(Lease from) {
        synchronized (this) {
            if (closed || lease != from || from.stale) {
                return;
            }
            from.stale = true; // deliveries already handed to the client from it are skipped
        }
        ctx.executor().execute(() -> {
            from.close();
            synchronized (this) {
                if (!closed && lease == from) {
                    lease = open(); // null when another member took the partition meanwhile
                }
            }
        });
    }

    /** One AMQP channel's hold on the partition. */
    final class Lease extends DefaultConsumer {
        final Channel channel;
        final Acks acks;
        volatile boolean stale;

        Lease(Channel channel) {
            super(channel);
            this.channel = channel;
            this.acks = new Acks(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            if (stale || closed) {
                return; // returns to the queue when this channel closes
            }
            Message message;
            try {
                message = Envelopes.read(channelName, props, body, ctx.clock(), ctx.ticker());
            } catch (IllegalArgumentException e) {
                if (Topology.isDeadLetterChannel(channelName)) {
                    // Already a dead letter: rejecting would drop it. It stays, unacknowledged, for a plain client to read.
                    log.warn("{}: leaving an unreadable dead letter unacknowledged in the queue: {}", queue, e.getMessage());
                    return;
                }
                log.warn("{}: rejecting an unreadable message to the queue's dead-letter exchange: {}", queue, e.getMessage());
                settle(() -> {
                    channel.basicReject(envelope.getDeliveryTag(), false);
                    acks.settledElsewhere(envelope.getDeliveryTag());
                });
                return;
            }
            RabbitDelivery delivery = new RabbitDelivery(this, envelope.getDeliveryTag(), message,
                    envelope.isRedeliver() ? 2 : 1);
            try {
                handler.onDelivery(delivery);
            } catch (RuntimeException e) {
                log.debug("{}: handler failed on {}; delivering it again", queue, message, e);
                delivery.nack();
            }
        }

        @Override
        public void handleCancel(String consumerTag) {
            stale = true; // the queue was deleted: what it held is gone, what comes next must not be
            if (!closed) {
                onQueueDeleted.accept(queue);
            }
        }

        void ack(long tag) {
            if (!stale && !closed) {
                settle(() -> acks.ack(tag));
            }
        }

        void restart() {
            PartitionConsumer.this.restart(this);
        }

        void close() {
            stale = true;
            if (channel.isOpen()) {
                try {
                    channel.close();
                } catch (IOException | TimeoutException | RuntimeException e) {
                    log.debug("{}: closing the channel: {}", queue, e.toString());
                }
            }
        }

        private void settle(Step step) {
            try {
                step.run();
            } catch (IOException | RuntimeException e) {
                // The channel is gone: the broker delivers the message again, to whoever holds the partition.
                log.debug("{}: settling failed ({}); the message will be delivered again", queue, e.toString());
            }
        }
    }

    private interface Step {
        void run() throws IOException;
    }
}
