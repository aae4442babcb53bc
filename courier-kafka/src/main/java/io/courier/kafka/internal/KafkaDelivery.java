package io.courier.kafka.internal;

import io.courier.messaging.Message;
import io.courier.messaging.spi.SettledOnce;

/** One delivery of one record, settled on the partition lane it came from. */
final class KafkaDelivery extends SettledOnce {
    private final PartitionLane lane;
    private final long offset;
    private final int epoch;

    KafkaDelivery(PartitionLane lane, long offset, int epoch, Message message, int count) {
        super(message, count);
        this.lane = lane;
        this.offset = offset;
        this.epoch = epoch;
    }

    /**
     * 1, or 2 when this broker handed the record to the group before: Kafka keeps a group's
     * position, not how often each record was delivered.
     */
    @Override
    public int deliveryCount() {
        return super.deliveryCount();
    }

    @Override
    protected void acknowledge() {
        lane.ack(offset, epoch);
    }

    @Override
    protected void reject() {
        lane.nack(offset, epoch);
    }

    @Override
    public String toString() {
        return "delivery " + deliveryCount() + " of " + message() + " at offset " + offset;
    }
}
