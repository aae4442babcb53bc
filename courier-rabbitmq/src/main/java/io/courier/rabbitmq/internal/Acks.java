package io.courier.rabbitmq.internal;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The acknowledgements of one AMQP channel's deliveries, coalesced. Handlers finish in any
 * order; each finished delivery is queued here, and the thread that finds no one sending sends
 * what is queued, while the others go on at once (no handler waits for another's socket write).
 * What it sends: one {@code basic.ack} with {@code multiple} for the highest queued tag below
 * which every delivery is settled, and a single ack for each queued tag above a gap (a delivery
 * still being handled, parked for a retry, or left unacknowledged on purpose), so that a gap
 * never holds back the prefetch window. A multiple ack always names a tag not acknowledged
 * before, as RabbitMQ requires. Under light load every ack is sent at once, alone; under load,
 * one ack covers many deliveries.
 *
 * <p>Delivery tags are those of one channel with one consumer: 1, 2, 3, ... in delivery order.
 * Thread-safe.
 */
public final class Acks {
    /** How far past the floor settled tags are tracked. */
    private static final long MAX_GAP = 1 << 16;

    private final Channel channel;
    private final ReentrantLock lock = new ReentrantLock();
    /** Tags settled and not yet sent. Guarded by the lock. */
    private long[] queued = new long[32];
    private int queuedCount;
    /** Whether a thread is sending. Guarded by the lock. */
    private boolean sending;
    /** Every tag up to here is settled. Guarded by the lock. */
    private long floor;
    /** Bit {@code i}: tag {@code floor + 1 + i} is settled. Guarded by the lock. */
    private BitSet above = new BitSet();
    /** Whether every ack goes alone from now on. Guarded by the lock. */
    private boolean alone;

    public Acks(Channel channel) {
        this.channel = channel;
    }

    /** Acknowledges {@code tag}, now or together with others. */
    public void ack(long tag) throws IOException {
        lock.lock();
        try {
            if (queuedCount == queued.length) {
                queued = Arrays.copyOf(queued, queued.length * 2);
            }
            queued[queuedCount++] = tag;
            if (sending) {
                return; // the sending thread sends it on its next round
            }
            sending = true;
        } finally {
            lock.unlock();
        }
        send();
    }

    /** Records that {@code tag} was settled otherwise (rejected): it no longer holds back a multiple ack. */
    public void settledElsewhere(long tag) {
        lock.lock();
        try {
            mark(tag);
        } finally {
            lock.unlock();
        }
    }

    private void send() throws IOException {
        while (true) {
            long[] batch;
            int n;
            long multipleUpTo = 0;
            lock.lock();
            try {
                n = queuedCount;
                if (n == 0) {
                    sending = false;
                    return;
                }
                batch = Arrays.copyOf(queued, n);
                queuedCount = 0;
                for (int i = 0; i < n; i++) {
                    mark(batch[i]);
                }
                for (int i = 0; i < n && !alone; i++) {
                    if (batch[i] <= floor) {
                        multipleUpTo = Math.max(multipleUpTo, batch[i]);
                    }
                }
            } catch (RuntimeException e) {
                sending = false;
                throw e;
            } finally {
                lock.unlock();
            }
            try {
                if (multipleUpTo > 0) {
                    // Every tag up to it is settled, and it itself was never acknowledged alone.
                    channel.basicAck(multipleUpTo, true);
                }
                for (int i = 0; i < n; i++) {
                    if (batch[i] > multipleUpTo) { // above a gap: alone
                        channel.basicAck(batch[i], false);
                    }
                }
            } catch (IOException | RuntimeException e) {
                lock.lock();
                try {
                    sending = false; // the channel is gone: its deliveries come again, to whoever holds the partition
                } finally {
                    lock.unlock();
                }
                throw e;
            }
        }
    }

    private void mark(long tag) {
        if (alone || tag <= floor) {
            return;
        }
        if (tag - floor > MAX_GAP) {
            // A delivery left unacknowledged for good (an unreadable dead letter) holds the floor:
            // from here on every ack goes alone, and the set of tags stops growing.
            alone = true;
            above = new BitSet();
            return;
        }
        above.set((int) (tag - floor - 1));
        int run = above.nextClearBit(0);
        if (run > 0) {
            floor += run;
            above = above.get(run, Math.max(run, above.length()));
        }
    }
}
