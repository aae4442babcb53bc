package io.courier.messaging.inmemory;

import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;

/** One subscription: a member of a group. */
final class Consumer implements Subscription {
    private final InMemoryBroker broker;
    private final ConsumerGroup group;
    final DeliveryHandler handler;
    /** Written under the broker's lock; read without it by settle calls and waiting partitions. */
    volatile boolean closed;

    Consumer(InMemoryBroker broker, ConsumerGroup group, DeliveryHandler handler) {
        this.broker = broker;
        this.group = group;
        this.handler = handler;
    }

    @Override
    public String channel() {
        return group.channel;
    }

    @Override
    public String group() {
        return group.name;
    }

    @Override
    public void close() {
        broker.lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            group.leave(this);
            group.wakeAll();
        } finally {
            broker.lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + group.channel + ", group " + group.name + (closed ? ", closed" : "") + "]";
    }
}
