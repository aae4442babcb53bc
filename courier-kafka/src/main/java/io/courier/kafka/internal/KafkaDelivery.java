package io.courier.kafka.internal;

import io.courier.messaging.Message;
import io.courier.messaging.spi.Delivery;
import java.util.concurrent.atomic.AtomicBoolean;

/** One delivery of one record, settled on the partition lane it came from. */
final class KafkaDelivery implements Delivery {
    private final PartitionLane lane;
    private final long offset;
    private final int epoch;
    private final Message message;
    private final int count;
    private final AtomicBoolean settled = new AtomicBoolean();

    KafkaDelivery(PartitionLane lane, long offset, int epoch, Message message, int count) {
        this.lane = lane;
        this.offset = offset;
        this.epoch = epoch;
        this.message = message;
        this.count = count;
    }

    @Override
    public Message message() {
        return message;
    }

    /**
     * 1, or 2 when this broker handed the record to the group before: Kafka keeps a group's
     * position, not how often each record was delivered.
     */
    @Override
    public int deliveryCount() {
        return count;
    }

    @Override
    public void ack() {
        if (settled.compareAndSet(false, true)) {
            lane.ack(offset, epoch);
        }
    }

    @Override
    public void nack() {
        if (settled.compareAndSet(false, true)) {
            lane.nack(offset, epoch);
        }
    }

    @Override
    public String toString() {
        return "delivery " + count + " of " + message + " at offset " + offset;
    }
}
