package io.courier.rabbitmq.internal;

import io.courier.messaging.Message;
import io.courier.messaging.spi.Delivery;
import java.util.concurrent.atomic.AtomicBoolean;

/** One delivery from one partition queue; settled on the AMQP channel it came on. */
final class RabbitDelivery implements Delivery {
    private final PartitionConsumer.Lease lease;
    private final long tag;
    private final Message message;
    private final int count;
    private final AtomicBoolean settled = new AtomicBoolean();

    RabbitDelivery(PartitionConsumer.Lease lease, long tag, Message message, int count) {
        this.lease = lease;
        this.tag = tag;
        this.message = message;
        this.count = count;
    }

    @Override
    public Message message() {
        return message;
    }

    /**
     * 1, or 2 once RabbitMQ marked it redelivered: classic queues say whether a message was
     * delivered before, not how often.
     */
    @Override
    public int deliveryCount() {
        return count;
    }

    @Override
    public void ack() {
        if (settled.compareAndSet(false, true)) {
            lease.ack(tag);
        }
    }

    @Override
    public void nack() {
        if (settled.compareAndSet(false, true)) {
            lease.restart();
        }
    }

    @Override
    public String toString() {
        return "delivery " + count + " of " + message;
    }
}
