package io.courier.test;

import java.lang.management.ManagementFactory;

/**
 * The bytes the threads of this process have allocated on the heap, to show that a small input
 * does not make a decoder or a client allocate much: read it before and after, and compare.
 * Thread-safe.
 *
 * <pre>{@code
 * long before = AllocatedBytes.total();
 * assertThatThrownBy(() -> client.get(1)).isInstanceOf(DeadlineExceededException.class);
 * assertThat(AllocatedBytes.total() - before).isLessThan(16L << 20);
 * }</pre>
 */
public final class AllocatedBytes {
    private AllocatedBytes() {
    }

    /** The bytes allocated so far by all threads, those that have ended included. */
    public static long total() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }
}
