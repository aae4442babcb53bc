package io.courier.kafka.internal;

import io.courier.Metadata;
import io.courier.messaging.Message;
import io.courier.messaging.MessageHeaders;
import io.courier.messaging.Messaging;
import io.courier.messaging.spi.DeliveryHandler;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One assigned partition of one consumer: the records fetched and not yet handed over, the
 * deliveries not yet settled, and the offset that can be committed. Records are handed to the
 * handler one at a time, in offset order, on a virtual thread of the broker; they may be
 * settled in any order. The commit point is the lowest offset not yet settled, so a commit
 * never skips a record still being handled, whatever order the keys finish in.
 *
 * <p>A nack restarts the partition at the nacked offset: the deliveries after it are
 * forgotten (their late settlements are ignored), and the poll thread seeks back, so the
 * nacked record and every later one not acknowledged come again in order. Records acknowledged
 * meanwhile are skipped when they come again. Each restart starts a new epoch, which tells the
 * deliveries of before from those of after. Thread-safe; the state is guarded by this lane.
 */
final class PartitionLane {
    private static final Logger log = LoggerFactory.getLogger(PartitionLane.class);

    final TopicPartition tp;
    private final GroupConsumer owner;
    private final Context ctx;
    private final DeliveryHandler handler;
    private final String deliveredKey;
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = new ArrayDeque<>();
    /** Offset handed over and not settled, to the epoch it was handed over in. */
    private final TreeMap<Long, Integer> unsettled = new TreeMap<>();
    /** Offsets acknowledged at or above the commit point: skipped if they come again after a restart. */
    private final TreeSet<Long> acked = new TreeSet<>();
    private int epoch;
    /** The offset after the last record received; -1 before the first. */
    private long next = -1;
    /** Where the poll thread must seek to, after a nack; -1 when it need not. */
    private long restartAt = -1;
    private long committed = -1;
    private boolean draining;
    private boolean stopped;

    PartitionLane(TopicPartition tp, GroupConsumer owner, Context ctx, DeliveryHandler handler) {
        this.tp = tp;
        this.owner = owner;
        this.ctx = ctx;
        this.handler = handler;
        this.deliveredKey = owner.group() + "/" + tp;
    }

    /** Takes the records of one poll (poll thread); dropped when a restart is pending or the lane stopped. */
    synchronized void offer(List<ConsumerRecord<byte[], byte[]>> records) {
        if (stopped || restartAt >= 0 || records.isEmpty()) {
            return;
        }
        queue.addAll(records);
        next = records.get(records.size() - 1).offset() + 1;
        if (!draining) {
            draining = true;
            ctx.executor().execute(this::drain);
        }
    }

    /** Hands the queued records to the handler, in order, until the queue is empty. */
    private void drain() {
        while (true) {
            ConsumerRecord<byte[], byte[]> record;
            int myEpoch;
            synchronized (this) {
                record = owner.stopping() || stopped ? null : queue.pollFirst();
                if (record == null) {
                    draining = false;
                    return;
                }
                if (acked.contains(record.offset())) {
                    continue; // acknowledged before a restart brought it back
                }
                myEpoch = epoch;
                unsettled.put(record.offset(), myEpoch);
            }
            hand(record, myEpoch, redelivery(record.offset()) ? 2 : 1);
        }
    }

    private boolean redelivery(long offset) {
        boolean[] again = new boolean[1];
        ctx.delivered().compute(deliveredKey, (k, max) -> {
            again[0] = max != null && offset <= max;
            return max == null ? offset : Math.max(max, offset);
        });
        return again[0];
    }

    private void hand(ConsumerRecord<byte[], byte[]> record, int myEpoch, int count) {
        Message message;
        try {
            message = Records.read(owner.channel(), record, ctx.clock(), ctx.ticker());
        } catch (IllegalArgumentException e) {
            unreadable(record, myEpoch, e);
            return;
        }
        KafkaDelivery delivery = new KafkaDelivery(this, record.offset(), myEpoch, message, count);
        try {
            handler.onDelivery(delivery);
        } catch (RuntimeException e) {
            log.debug("{} group {}: handler failed on {}; delivering it again", tp, owner.group(), message, e);
            delivery.nack();
        }
    }

    /**
     * A record Courier cannot read as a message (a malformed header) goes to the group's
     * dead-letter channel, with the reason, and the partition goes on; the original stays in the
     * topic's log for plain clients. On a dead-letter or private channel it is only skipped.
     */
    private void unreadable(ConsumerRecord<byte[], byte[]> record, int myEpoch, IllegalArgumentException e) {
        String where = tp + "@" + record.offset();
        String reason = "unreadable Kafka record " + where + ": " + e.getMessage();
        if (owner.isPrivate() || owner.channel().endsWith(".dead-letter")) {
            log.warn("{} group {}: skipping {}", owner.channel(), owner.group(), reason);
            ack(record.offset(), myEpoch);
            return;
        }
        Metadata headers = Records.headers(owner.channel(), record);
        Metadata user = Metadata.empty();
        for (Map.Entry<String, List<String>> h : headers.asMap().entrySet()) {
            if (!h.getKey().startsWith("courier-") && !h.getKey().equals(MessageHeaders.TRACE_CONTEXT)) {
                for (String v : h.getValue()) {
                    user = user.with(h.getKey(), v);
                }
            }
        }
        // The record's own id when its id header is the malformed part (empty): a message needs one.
        String id = headers.get(MessageHeaders.ID).filter(i -> !i.isEmpty()).orElseGet(() -> Records.id(record));
        Message dead = Message.builder()
                .id(id)
                .channel(Messaging.deadLetterChannel(owner.channel(), owner.group()))
                .partitionKey(headers.get(MessageHeaders.PARTITION_KEY).orElse(null))
                .payload(record.value() == null ? new byte[0] : record.value())
                .headers(user.withOnly(MessageHeaders.DEAD_LETTER_REASON, reason)
                        .withOnly(MessageHeaders.DEAD_LETTER_ATTEMPTS, "1")
                        .withOnly(MessageHeaders.DEAD_LETTER_CHANNEL, owner.channel())
                        .withOnly(MessageHeaders.DEAD_LETTER_GROUP, owner.group()))
                .build();
        log.warn("{} group {}: dead-lettering {}", owner.channel(), owner.group(), reason);
        ctx.publisher().send(dead).whenComplete((ok, failure) -> {
            if (failure == null) {
                ack(record.offset(), myEpoch);
            } else {
                log.warn("{} group {}: could not dead-letter {} ({}); it will be read again", owner.channel(),
                        owner.group(), where, failure.toString());
                nack(record.offset(), myEpoch);
            }
        });
    }

    synchronized void ack(long offset, int deliveryEpoch) {
        Integer e = unsettled.get(offset);
        if (stopped || e == null || e != deliveryEpoch) {
            return; // from before a restart or a revocation: the record comes again
        }
        unsettled.remove(offset);
        acked.add(offset);
        notifyAll();
    }

    synchronized void nack(long offset, int deliveryEpoch) {
        Integer e = unsettled.get(offset);
        if (stopped || e == null || e != deliveryEpoch) {
            return;
        }
        epoch++;
        unsettled.tailMap(offset, true).clear();
        queue.clear();
        restartAt = restartAt < 0 ? offset : Math.min(restartAt, offset);
        next = restartAt;
        notifyAll();
    }

    /** The offset to seek to after a nack, once; -1 if none (poll thread). */
    synchronized long takeRestart() {
        long r = restartAt;
        restartAt = -1;
        return r;
    }

    /** Records fetched and not yet settled: what decides whether the partition is paused. */
    synchronized int load() {
        return queue.size() + unsettled.size();
    }

    /** The offset to commit: the lowest not yet settled; -1 when there is nothing new to commit. */
    synchronized long commitPoint() {
        if (next < 0) {
            return -1;
        }
        long point = next;
        if (!unsettled.isEmpty()) {
            point = Math.min(point, unsettled.firstKey());
        }
        if (!queue.isEmpty()) {
            point = Math.min(point, queue.peekFirst().offset());
        }
        acked.headSet(point).clear();
        return point > committed ? point : -1;
    }

    synchronized void committed(long offset) {
        committed = Math.max(committed, offset);
    }

    /** Waits until nothing handed over is unsettled, or {@code deadlineNanos} (System.nanoTime) passes. */
    synchronized void awaitSettled(long deadlineNanos) throws InterruptedException {
        while (!unsettled.isEmpty()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Stops the lane for good: nothing more is handed over, and late settlements are ignored. */
    synchronized void stop() {
        stopped = true;
        queue.clear();
        notifyAll();
    }

    @Override
    public synchronized String toString() {
        return tp + "[next=" + next + ", unsettled=" + unsettled.size() + ", queued=" + queue.size() + "]";
    }
}
