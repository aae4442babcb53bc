package io.courier.messaging.inmemory;

import java.util.ArrayList;
import java.util.List;

/**
 * One group of one channel: its partitions and its consumers. Partition {@code i} belongs to
 * consumer {@code i % consumers}, so consumers compete by partition. Guarded by the broker's lock.
 */
final class ConsumerGroup {
    final String channel;
    final String name;
    private final Partition[] partitions;
    private final List<Consumer> members = new ArrayList<>();

    ConsumerGroup(InMemoryBroker broker, String channel, String name, int partitions) {
        this.channel = channel;
        this.name = name;
        this.partitions = new Partition[partitions];
        for (int i = 0; i < partitions; i++) {
            this.partitions[i] = new Partition(broker, this, i);
        }
    }

    Partition partition(int index) {
        return partitions[index];
    }

    void start() {
        for (Partition p : partitions) {
            p.start();
        }
    }

    void join(Consumer consumer) {
        members.add(consumer);
        rebalance();
    }

    void leave(Consumer consumer) {
        if (!members.remove(consumer)) {
            return;
        }
        for (Partition p : partitions) {
            p.release(consumer);
        }
        rebalance();
    }

    void wakeAll() {
        for (Partition p : partitions) {
            p.wake();
        }
    }

    int unacknowledged() {
        int n = 0;
        for (Partition p : partitions) {
            n += p.unacknowledged();
        }
        return n;
    }

    private void rebalance() {
        for (int i = 0; i < partitions.length; i++) {
            partitions[i].assign(members.isEmpty() ? null : members.get(i % members.size()));
        }
    }
}
