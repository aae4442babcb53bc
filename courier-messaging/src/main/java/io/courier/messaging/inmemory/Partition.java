package io.courier.messaging.inmemory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of one group: the messages waiting, those handed out and not yet settled, and
 * the virtual thread that hands them to the owning consumer in order. Guarded by the broker's
 * lock; the thread waits on a condition of that lock, so an idle partition costs no CPU.
 */
final class Partition {
    private static final Logger log = LoggerFactory.getLogger(Partition.class);

    private final InMemoryBroker broker;
    private final ConsumerGroup group;
    private final int index;
    private final Condition changed;
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private final TreeMap<Long, Entry> inflight = new TreeMap<>();
    /** The consumer the partition is assigned to. */
    private Consumer owner;
    /** The consumer holding the in-flight entries; differs from the owner while a reassignment drains. */
    private Consumer holder;

    Partition(InMemoryBroker broker, ConsumerGroup group, int index) {
        this.broker = broker;
        this.group = group;
        this.index = index;
        this.changed = broker.lock.newCondition();
    }

    void start() {
        broker.threads.execute(this::run);
    }

    void enqueue(Entry e) {
        pending.addLast(e);
        changed.signalAll();
    }

    void assign(Consumer consumer) {
        owner = consumer;
        changed.signalAll();
    }

    /** The consumer is gone: everything it held is delivered again, in order. */
    void release(Consumer consumer) {
        if (holder == consumer) {
            rewindFrom(Long.MIN_VALUE);
        }
        changed.signalAll();
    }

    void wake() {
        changed.signalAll();
    }

    int unacknowledged() {
        int n = inflight.size();
        for (Entry e : pending) {
            n += e.acked ? 0 : 1;
        }
        return n;
    }

    void ack(InMemoryDelivery d, Entry e) {
        broker.lock.lock();
        try {
            if (d.consumer.closed || e.acked) {
                return; // a closed consumer can no longer settle: its messages go to another
            }
            e.acked = true; // if it was rewound and waits in pending, next() skips it
            inflight.remove(e.seq);
            if (inflight.isEmpty()) {
                holder = null;
            }
            changed.signalAll();
        } finally {
            broker.lock.unlock();
        }
    }

    void nack(InMemoryDelivery d, Entry e) {
        broker.lock.lock();
        try {
            if (d.consumer.closed || e.acked || e.generation != d.generation || inflight.get(e.seq) != e) {
                return;
            }
            rewindFrom(e.seq);
            changed.signalAll();
        } finally {
            broker.lock.unlock();
        }
    }

    /**
     * Puts the in-flight entries from {@code seq} on back in front of the waiting ones: they were
     * taken from the front in order, so the partition's order is kept.
     */
    private void rewindFrom(long seq) {
        NavigableMap<Long, Entry> tail = inflight.tailMap(seq, true);
        List<Entry> back = new ArrayList<>(tail.values());
        tail.clear();
        for (int i = back.size() - 1; i >= 0; i--) {
            pending.addFirst(back.get(i));
        }
        if (inflight.isEmpty()) {
            holder = null;
        }
    }

    private Entry next() {
        if (owner == null || owner.closed || holder != null && holder != owner
                || inflight.size() >= broker.maxUnacked) {
            return null;
        }
        while (!pending.isEmpty() && pending.peekFirst().acked) {
            pending.pollFirst();
        }
        return pending.pollFirst();
    }

    private void run() {
        broker.lock.lock();
        try {
            while (!broker.closed) {
                Entry e = next();
                if (e == null) {
                    changed.await();
                    continue;
                }
                Consumer consumer = owner;
                e.deliveries++;
                e.generation++;
                inflight.put(e.seq, e);
                holder = consumer;
                InMemoryDelivery d = new InMemoryDelivery(this, e, consumer);
                AtomicBoolean done = new AtomicBoolean();
                // The handler runs on a thread of its own so that a consumer stuck in it can be
                // closed and its messages handed to another without waiting for it.
                broker.threads.execute(() -> call(d, done));
                while (!done.get() && !consumer.closed && !broker.closed) {
                    changed.await();
                }
            }
        } catch (InterruptedException | RejectedExecutionException closing) {
            // the broker is closing
        } finally {
            broker.lock.unlock();
        }
    }

    private void call(InMemoryDelivery d, AtomicBoolean done) {
        try {
            d.consumer.handler.onDelivery(d);
        } catch (Throwable t) {
            log.warn("handler of {} group {} threw on {}; delivering it again", group.channel, group.name,
                    d.message(), t);
            d.nack();
        } finally {
            broker.lock.lock();
            try {
                done.set(true);
                changed.signalAll();
            } finally {
                broker.lock.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "Partition[" + group.channel + "/" + group.name + "#" + index + "]";
    }
}
