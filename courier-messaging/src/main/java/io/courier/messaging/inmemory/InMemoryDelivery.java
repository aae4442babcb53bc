package io.courier.messaging.inmemory;

import io.courier.messaging.Message;
import io.courier.messaging.spi.Delivery;

/** One delivery of an entry to a consumer. */
final class InMemoryDelivery implements Delivery {
    private final Partition partition;
    private final Entry entry;
    final Consumer consumer;
    final int generation;
    private final int count;

    InMemoryDelivery(Partition partition, Entry entry, Consumer consumer) {
        this.partition = partition;
        this.entry = entry;
        this.consumer = consumer;
        this.generation = entry.generation;
        this.count = entry.deliveries;
    }

    @Override
    public Message message() {
        return entry.message;
    }

    @Override
    public int deliveryCount() {
        return count;
    }

    @Override
    public void ack() {
        partition.ack(this, entry);
    }

    @Override
    public void nack() {
        partition.nack(this, entry);
    }

    @Override
    public String toString() {
        return "Delivery[" + entry.message + ", #" + count + "]";
    }
}
