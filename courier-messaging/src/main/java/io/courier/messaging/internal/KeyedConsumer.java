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
import java.util.concurrent.locks.LockSupport;
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
 * <p>Lanes are handled by worker threads that outlive a message: a worker handles its lane
 * until the lane is empty (or parked), then waits for the next lane that has work. A lane that
 * gets work is handed to a waiting worker, or to a new one when none waits, so every key with
 * work has a thread at once, as many as there are such keys (a handler that blocks holds up only
 * its own key). Up to {@value #WAITING_WORKERS} workers wait for work; more end once idle. So
 * under a steady load no thread is started per message, and the thread-local state of what
 * runs on them (the codecs' buffers) is kept rather than made again for each message. Empty
 * lanes are kept for reuse, up to {@value #SPARE_LANES}.
 *
 * <p>Expired work is stopped, not finished: a message whose deadline has passed is dropped
 * unhandled, and a handler still running when its message's deadline passes is interrupted. The
 * message is then settled without a reply (the caller gave up at that same deadline) and counted
 * with the expired ones; it is not retried or dead-lettered.
 */
final class KeyedConsumer implements DeliveryHandler {
    private static final Logger log = LoggerFactory.getLogger(KeyedConsumer.class);
    private static final int MAX_REASON = 1000;
    /** Workers kept waiting for a lane with work; those beyond end when they find none. */
    static final int WAITING_WORKERS = 64;
    /** Empty lanes kept for the next key that gets work. */
    static final int SPARE_LANES = 256;

    private final MessagingRuntime rt;
    private final String channel;
    private final String group;
    private final Processor processor;
    private final ReentrantLock lock = new ReentrantLock();
    /** The lanes of keys with work, running or parked. Guarded by the lock. */
    private final Map<String, Lane> lanes = new HashMap<>();
    /** Workers waiting for a lane, the last to wait first to be given one. Guarded by the lock. */
    private final ArrayDeque<Worker> waiting = new ArrayDeque<>();
    /** Empty lanes to reuse. Guarded by the lock. */
    private final ArrayDeque<Lane> spare = new ArrayDeque<>();
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
                stop(); // unsettled messages, parked ones included, go back to the broker
                broker.close();
            }

            @Override
            public String toString() {
                return "Subscription[" + channel + ", group " + group + "]";
            }
        };
    }

    /** Ends the waiting workers; running ones end after their current message. */
    private void stop() {
        Worker[] toWake;
        lock.lock();
        try {
            closed = true;
            toWake = waiting.toArray(Worker[]::new);
            waiting.clear();
        } finally {
            lock.unlock();
        }
        for (Worker w : toWake) {
            LockSupport.unpark(w.thread);
        }
    }

    @Override
    public void onDelivery(Delivery delivery) {
        if (closed) {
            return; // left unsettled: the broker delivers it again to another consumer
        }
        if (delivery.deliveryCount() > 1) {
            rt.countRedelivery(channel, group);
        }
        String key = delivery.message().partitionKey().orElse(null);
        Lane ready;
        Worker worker;
        lock.lock();
        try {
            Lane lane = key == null ? null : lanes.get(key);
            if (lane == null) {
                lane = spare.isEmpty() ? new Lane() : spare.pop();
                lane.key = key; // no key, no order to keep: a lane of its own
                if (key != null) {
                    lanes.put(key, lane);
                }
            }
            lane.jobs.addLast(delivery);
            if (lane.scheduled) {
                return; // its worker, or its retry, takes it in turn
            }
            lane.scheduled = true;
            ready = lane;
            worker = waiting.pollLast();
        } finally {
            lock.unlock();
        }
        handOff(ready, worker);
    }

    /**
     * Gives {@code lane}, just scheduled, to {@code worker}, taken from the waiting ones under the
     * lock, or to a new worker when none was waiting.
     */
    private void handOff(Lane lane, Worker worker) {
        if (worker == null) {
            rt.execute(() -> work(lane));
        } else {
            worker.lane = lane;
            LockSupport.unpark(worker.thread);
        }
    }

    /** A worker's life: its first lane, then every lane handed to it while it waited. */
    private void work(Lane first) {
        Worker self = null;
        for (Lane lane = first; lane != null; ) {
            drain(lane);
            if (self == null) {
                self = new Worker(Thread.currentThread());
            }
            lane = next(self);
        }
    }

    /** Waits for a lane with work; null when this worker should end. */
    private Lane next(Worker self) {
        lock.lock();
        try {
            if (closed || waiting.size() >= WAITING_WORKERS) {
                return null;
            }
            waiting.addLast(self);
        } finally {
            lock.unlock();
        }
        // Handed a lane, or closed, with an unpark after; so no wake-up is missed between the two.
        while (true) {
            Lane lane = self.lane;
            if (lane != null) {
                self.lane = null;
                return lane;
            }
            if (closed) {
                return null; // a lane handed meanwhile stays unsettled, delivered again
            }
            LockSupport.park(this);
            // An interrupt (a handler's left behind, or the runtime's when it closes, after this
            // consumer closed) only ends the park: the loop decides.
            Thread.interrupted();
        }
    }

    /** Handles the lane's messages in order until it is empty, parked or the consumer closed. */
    private void drain(Lane lane) {
        Delivery job;
        lock.lock();
        try {
            job = lane.jobs.peekFirst();
        } finally {
            lock.unlock();
        }
        while (job != null) {
            Thread.interrupted(); // an interrupt a handler left behind is not for the next one
            if (closed) {
                return; // left unsettled, the lane's later messages too: delivered again
            }
            if (!attempt(lane, job)) {
                park(lane);
                return;
            }
            lock.lock();
            try {
                lane.jobs.pollFirst();
                lane.attempts = 0;
                job = lane.jobs.peekFirst();
                if (job == null) {
                    retire(lane);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** An emptied lane: no longer its key's, kept for reuse. Called with the lock held. */
    private void retire(Lane lane) {
        lane.scheduled = false;
        if (lane.key != null) {
            lanes.remove(lane.key);
            lane.key = null;
        }
        if (spare.size() < SPARE_LANES) {
            spare.push(lane);
        }
    }

    /**
     * Parks the lane until the next attempt of its first message: it stays scheduled, so its
     * later messages queue behind that one, and no thread waits for it.
     */
    private void park(Lane lane) {
        boolean keyed = lane.key != null;
        if (keyed) {
            rt.parkedKeys.incrementAndGet();
        }
        rt.scheduler.schedule(rt.retry.backoff(lane.attempts), () -> {
            if (keyed) {
                rt.parkedKeys.decrementAndGet();
            }
            Worker worker;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                worker = waiting.pollLast();
            } finally {
                lock.unlock();
            }
            handOff(lane, worker);
        });
    }

    /**
     * One attempt at the lane's first message, {@code job}; true when it is settled, false when
     * it should be tried again.
     */
    private boolean attempt(Lane lane, Delivery job) {
        if (closed) {
            return true;
        }
        Message m = job.message();
        int attempts = ++lane.attempts;
        try {
            String replayFor = m.headers().get(MessageHeaders.REPLAY_GROUP).orElse(null);
            if (replayFor != null && !replayFor.equals(group)) {
                job.ack(); // a replay meant for another group of this channel
                return true;
            }
            if (rt.processed != null && rt.processed.contains(group, m.id())) {
                rt.duplicates.incrementAndGet();
                log.debug("{} group {}: skipping {}, already handled", channel, group, m);
                job.ack();
                return true;
            }
            if (m.deadline().map(Deadline::expired).orElse(false)) {
                rt.expired.incrementAndGet();
                log.debug("{} group {}: dropping {}, its deadline passed", channel, group, m);
                job.ack();
                return true;
            }
            if (!processInTime(m)) {
                rt.expired.incrementAndGet();
                log.debug("{} group {}: stopped handling {} at its deadline", channel, group, m);
                job.ack();
                return true;
            }
            if (rt.processed != null) {
                rt.processed.add(group, m.id());
            }
            job.ack();
            return true;
        } catch (PoisonMessageException poison) {
            String reason = bounded(poison.getMessage()); // it may quote what the producer sent, at any length
            log.warn("{} group {}: dead-lettering {}: {}", channel, group, m, reason);
            deadLetter(job, attempts, reason, poison.toError(), true);
            return true;
        } catch (Throwable t) {
            if (closed) {
                return true; // interrupted by close: left unsettled, delivered again
            }
            String failure = MessagingRuntime.unwrap(t).toString();
            if (attempts >= rt.retry.maxAttempts()) {
                log.warn("{} group {}: dead-lettering {} after {} attempts; last failure: {}", channel, group, m,
                        attempts, failure, MessagingRuntime.unwrap(t));
                deadLetter(job, attempts, "failed after " + attempts + " attempts: " + failure,
                        MessagingRuntime.gaveUp(m.type().orElse(channel), attempts), false);
                return true;
            }
            log.debug("{} group {}: attempt {} of {} failed: {}; retrying in {}", channel, group, attempts, m,
                    failure, rt.retry.backoff(attempts));
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

    private void deadLetter(Delivery job, int attempts, String reason, CourierException error, boolean poison) {
        Message m = job.message();
        String why = bounded(reason);
        Message dead = m.toBuilder()
                .channel(DeadLetters.channel(channel, group))
                .deadline(null) // a dead letter waits for people; a replay must not be dropped as expired
                .headers(m.headers().without(MessageHeaders.REPLAY_GROUP)
                        .withOnly(MessageHeaders.DEAD_LETTER_REASON, why)
                        .withOnly(MessageHeaders.DEAD_LETTER_ATTEMPTS, Integer.toString(attempts))
                        .withOnly(MessageHeaders.DEAD_LETTER_CHANNEL, channel)
                        .withOnly(MessageHeaders.DEAD_LETTER_GROUP, group))
                .build();
        try {
            rt.send(dead);
        } catch (RuntimeException e) {
            log.warn("{} group {}: could not dead-letter {} ({}); it will be delivered again", channel, group, m,
                    e.toString());
            job.nack();
            return;
        }
        rt.countDeadLetter(channel, group, poison);
        try {
            processor.gaveUp(m, error);
        } finally {
            job.ack();
        }
    }

    private static String bounded(String reason) {
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
    }

    /**
     * The messages of one key waiting, the first being handled or parked; or one message
     * without a key. Guarded by the lock, but for {@code attempts}, which only the thread
     * handling the lane touches (the lane passes between threads under the lock).
     */
    private static final class Lane {
        final ArrayDeque<Delivery> jobs = new ArrayDeque<>(4);
        /** The key, or null for a message without one (or a spare lane). */
        String key;
        /** Whether a worker has the lane, or its first message waits for its next attempt. */
        boolean scheduled;
        /** Attempts at the first message so far. */
        int attempts;
    }

    /** A worker's place among those waiting: its thread, and the lane handed to it. */
    private static final class Worker {
        final Thread thread;
        /** Set once by whoever takes the worker off the waiting ones, then read by the worker. */
        volatile Lane lane;

        Worker(Thread thread) {
            this.thread = thread;
        }
    }
}
