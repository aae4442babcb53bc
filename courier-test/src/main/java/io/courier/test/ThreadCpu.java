package io.courier.test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU time the threads of this process use, to show that no thread keeps working after a
 * call has ended: a deadline ends the call, not a CPU-bound loop in a decoder. Virtual threads
 * are counted through the carrier threads they run on. Thread-safe.
 *
 * <pre>{@code
 * assertThat(ThreadCpu.usedOver(Duration.ofSeconds(1))).isLessThan(Duration.ofMillis(500));
 * }</pre>
 */
public final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    /** The CPU time used so far by the threads alive now. */
    public static Duration total() {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new UnsupportedOperationException("thread CPU time: not supported by this JVM (expected: HotSpot)");
        }
        long nanos = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id); // -1 for a thread that has ended meanwhile
            if (t > 0) {
                nanos += t;
            }
        }
        return Duration.ofNanos(nanos);
    }

    /**
     * The CPU time all threads use over the next {@code window} of wall-clock time, while the
     * caller waits. Threads that end within the window are not counted.
     */
    public static Duration usedOver(Duration window) {
        Duration before = total();
        long end = System.nanoTime() + window.toNanos();
        // A measurement over real time: nothing to poll for, so the caller waits the window out.
        for (long left = window.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        Duration used = total().minus(before);
        return used.isNegative() ? Duration.ZERO : used;
    }
}
