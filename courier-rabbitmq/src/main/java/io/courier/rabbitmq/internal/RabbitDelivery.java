package io.courier.rabbitmq.internal;

import io.courier.messaging.Message;
import io.courier.messaging.spi.SettledOnce;

/** One delivery from one partition queue; settled on the AMQP channel it came on. */
final class RabbitDelivery extends SettledOnce {
    private final PartitionConsumer.Lease lease;
    private final long tag;

    RabbitDelivery(PartitionConsumer.Lease lease, long tag, Message message, int count) {
        super(message, count);
        this.lease = lease;
        this.tag = tag;
    }

    /**
     * 1, or 2 once RabbitMQ marked it redelivered: classic queues say whether a message was
     * delivered before, not how often.
     */
    @Override
    public int deliveryCount() {
        return super.deliveryCount();
    }

    @Override
    protected void acknowledge() {
        lease.ack(tag);
    }

    @Override
    protected void reject() {
        lease.restart();
    }

    @Override
    public String toString() {
        return "delivery " + deliveryCount() + " of " + message();
    }
}
