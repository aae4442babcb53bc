package io.courier.messaging.internal;

import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.Scheduler;
import io.courier.messaging.Message;
import io.courier.messaging.MessageContext;
import io.courier.messaging.MessageHeaders;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.Delivery;
import io.courier.messaging.spi.DeliveryHandler;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer that survives reality: each partition key is a lane of its own, handled one
 * message at a time in order, while different keys run concurrently on virtual threads. A
 * failed message is retried with backoff by the scheduler; meanwhile its key is parked (its
 * later messages wait behind it; no thread waits) and other keys go on. After the last attempt,
 * or at once for a poison message, the message goes to the dead-letter channel and its key
 * moves on. Deliveries are acknowledged out of order, as each is done.
 *
 * <p>Expired work is stopped, not finished: a message whose deadline has passed is dropped
 * unhandled, and a handler still running when its message's deadline passes is interrupted. The
 * message is then settled without a reply (the caller gave up at that same deadline) and counted
 * with the expired ones; it is not retried or dead-lettered.
 */
final class KeyedConsumer implements DeliveryHandler {
    private static final Logger log = LoggerFactory.getLogger(KeyedConsumer.class);
    private static final int MAX_REASON = 1000;

    private final MessagingRuntime rt;
    private final String channel;
    private final String group;
    private final Processor processor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Lane> lanes = new HashMap<>();
    private volatile boolean closed;

    KeyedConsumer(MessagingRuntime rt, String channel, String group, Processor processor) {
        this.rt = rt;
        this.channel = channel;
        this.group = group;
        this.processor = processor;
    }

    Subscription start() {
        Subscription broker = rt.broker.subscribe(channel, group, this);
        return new Subscription() {
            @Override
            public String channel() {
                return channel;
            }

            @Override
            public String group() {
                return group;
            }

            @Override
            public void close() {
                closed = true; // unsettled messages, parked ones included, go back to the broker
                broker.close();
            }

            @Override
            public String toString() {
                return "Subscription[" + channel + ", group " + group + "]";
            }
        };
    }

    @Override
    public void onDelivery(Delivery delivery) {
        if (closed) {
            return; // left unsettled: the broker delivers it again to another consumer
        }
        Job job = new Job(delivery);
        String key = delivery.message().partitionKey().orElse(null);
        if (key == null) {
            rt.execute(() -> runAlone(job)); // no key, no order to keep
            return;
        }
        boolean start;
        Lane lane;
        lock.lock();
        try {
            lane = lanes.computeIfAbsent(key, Lane::new);
            lane.jobs.addLast(job);
            start = !lane.running;
            lane.running = true;
        } finally {
            lock.unlock();
        }
        if (start) {
            rt.execute(() -> drain(lane));
        }
    }

    private void runAlone(Job job) {
        if (!attempt(job)) {
            rt.scheduler.schedule(rt.retry.backoff(job.attempts), () -> rt.execute(() -> runAlone(job)));
        }
    }

    private void drain(Lane lane) {
        while (!closed) {
            Job job;
            lock.lock();
            try {
                job = lane.jobs.peekFirst();
                if (job == null) {
                    lane.running = false;
                    lanes.remove(lane.key);
                    return;
                }
            } finally {
                lock.unlock();
            }
            if (!attempt(job)) {
                // Park the key: the lane stays "running" so its later messages queue behind this one.
                rt.parkedKeys.incrementAndGet();
                rt.scheduler.schedule(rt.retry.backoff(job.attempts), () -> {
                    rt.parkedKeys.decrementAndGet();
                    rt.execute(() -> drain(lane));
                });
                return;
            }
            lock.lock();
            try {
                lane.jobs.pollFirst();
            } finally {
                lock.unlock();
            }
        }
    }

    /** One attempt at a job; true when the job is settled, false when it should be tried again. */
    private boolean attempt(Job job) {
        if (closed) {
            return true;
        }
        Message m = job.delivery.message();
        job.attempts++;
        try {
            String replayFor = m.headers().get(MessageHeaders.REPLAY_GROUP).orElse(null);
            if (replayFor != null && !replayFor.equals(group)) {
                job.delivery.ack(); // a replay meant for another group of this channel
                return true;
            }
            if (rt.processed != null && rt.processed.contains(group, m.id())) {
                rt.duplicates.incrementAndGet();
                log.debug("{} group {}: skipping {}, already handled", channel, group, m);
                job.delivery.ack();
                return true;
            }
            if (m.deadline().map(Deadline::expired).orElse(false)) {
                rt.expired.incrementAndGet();
                log.debug("{} group {}: dropping {}, its deadline passed", channel, group, m);
                job.delivery.ack();
                return true;
            }
            if (!processInTime(m)) {
                rt.expired.incrementAndGet();
                log.debug("{} group {}: stopped handling {} at its deadline", channel, group, m);
                job.delivery.ack();
                return true;
            }
            if (rt.processed != null) {
                rt.processed.add(group, m.id());
            }
            job.delivery.ack();
            return true;
        } catch (PoisonMessageException poison) {
            log.warn("{} group {}: dead-lettering {}: {}", channel, group, m, poison.getMessage());
            deadLetter(job, poison.getMessage(), poison.toError(), true);
            return true;
        } catch (Throwable t) {
            if (closed) {
                return true; // interrupted by close: left unsettled, delivered again
            }
            String failure = MessagingRuntime.unwrap(t).toString();
            if (job.attempts >= rt.retry.maxAttempts()) {
                log.warn("{} group {}: dead-lettering {} after {} attempts; last failure: {}", channel, group, m,
                        job.attempts, failure, MessagingRuntime.unwrap(t));
                deadLetter(job, "failed after " + job.attempts + " attempts: " + failure,
                        MessagingRuntime.gaveUp(m.type().orElse(channel), job.attempts), false);
                return true;
            }
            log.debug("{} group {}: attempt {} of {} failed: {}; retrying in {}", channel, group, job.attempts, m,
                    failure, rt.retry.backoff(job.attempts));
            return false;
        }
    }

    /**
     * Runs the processor on this thread, interrupting it if the message's deadline passes first.
     * False when it was stopped by the deadline (whatever it threw then).
     */
    private boolean processInTime(Message m) throws Exception {
        MessageContext before = CurrentMessage.set(MessageContext.of(m, group));
        try {
            return processInTimeWithContext(m);
        } finally {
            CurrentMessage.restore(before);
        }
    }

    private boolean processInTimeWithContext(Message m) throws Exception {
        Deadline deadline = m.deadline().orElse(null);
        if (deadline == null) {
            processor.process(m);
            return true;
        }
        HandlerTimer timer = new HandlerTimer(Thread.currentThread());
        Scheduler.Task task = deadline.runOnExpiration(timer::expire, rt.scheduler);
        try {
            processor.process(m);
        } catch (Exception | Error e) {
            if (!timer.finish()) {
                Thread.interrupted(); // the interrupt was for the handler, not for whatever this thread does next
                return false;
            }
            throw e;
        } finally {
            task.cancel();
        }
        if (!timer.finish()) {
            Thread.interrupted();
            return false;
        }
        return true;
    }

    /** Interrupts a handler's thread at its deadline, unless the handler finished first; exactly one wins. */
    private static final class HandlerTimer {
        private static final int RUNNING = 0;
        private static final int FINISHED = 1;
        private static final int EXPIRED = 2;
        private final Thread thread;
        private final AtomicInteger state = new AtomicInteger(RUNNING);

        HandlerTimer(Thread thread) {
            this.thread = thread;
        }

        void expire() {
            if (state.compareAndSet(RUNNING, EXPIRED)) {
                thread.interrupt();
            }
        }

        /** True if the handler finished in time; false if the deadline stopped it. */
        boolean finish() {
            return state.compareAndSet(RUNNING, FINISHED) || state.get() == FINISHED;
        }
    }

    private void deadLetter(Job job, String reason, CourierException error, boolean poison) {
        Message m = job.delivery.message();
        String why = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
        Message dead = m.toBuilder()
                .channel(DeadLetters.channel(channel, group))
                .deadline(null) // a dead letter waits for people; a replay must not be dropped as expired
                .headers(m.headers().without(MessageHeaders.REPLAY_GROUP)
                        .withOnly(MessageHeaders.DEAD_LETTER_REASON, why)
                        .withOnly(MessageHeaders.DEAD_LETTER_ATTEMPTS, Integer.toString(job.attempts))
                        .withOnly(MessageHeaders.DEAD_LETTER_CHANNEL, channel)
                        .withOnly(MessageHeaders.DEAD_LETTER_GROUP, group))
                .build();
        try {
            rt.send(dead);
        } catch (RuntimeException e) {
            log.warn("{} group {}: could not dead-letter {} ({}); it will be delivered again", channel, group, m,
                    e.toString());
            job.delivery.nack();
            return;
        }
        (poison ? rt.deadLetteredPoison : rt.deadLetteredAfterRetries).incrementAndGet();
        try {
            processor.gaveUp(m, error);
        } finally {
            job.delivery.ack();
        }
    }

    /** The messages of one key waiting, the first being handled or parked. Guarded by the lock. */
    private static final class Lane {
        final String key;
        final ArrayDeque<Job> jobs = new ArrayDeque<>();
        boolean running;

        Lane(String key) {
            this.key = key;
        }
    }

    private static final class Job {
        final Delivery delivery;
        /** Written and read only by the one thread handling the job at a time. */
        volatile int attempts;

        Job(Delivery delivery) {
            this.delivery = delivery;
        }
    }
}
