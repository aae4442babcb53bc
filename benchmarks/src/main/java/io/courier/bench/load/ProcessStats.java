package io.courier.bench.load;

import java.lang.management.ManagementFactory;

/** This JVM's CPU time and heap allocation so far: the figures per call that a busy machine does not skew. */
final class ProcessStats {
    private ProcessStats() {
    }

    /** CPU time of the whole process (every thread, the JIT and the collector included), in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Bytes allocated on the heap by all threads since the start (virtual threads count on their carriers). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }
}
