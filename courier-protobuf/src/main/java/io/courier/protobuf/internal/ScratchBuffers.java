package io.courier.protobuf.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few reusable byte arrays that records are written into before being copied out at their
 * exact size, so that a record is walked once, not once to size it and once to write it. A
 * thread takes the array of its stripe (by thread id) and gives it back; a thread that finds
 * its stripe taken, by a thread writing at the same moment, gets none and sizes the record
 * first. At most {@link #STRIPES} arrays of {@link #SIZE} bytes are kept, however many threads
 * (virtual ones included) there are. Thread-safe.
 */
final class ScratchBuffers {
    /** Bytes per array: a record larger than this is sized first, as without a buffer. */
    static final int SIZE = 4096;
    static final int STRIPES = Integer.highestOneBit(Math.max(1, Math.min(64,
            Runtime.getRuntime().availableProcessors() * 4)) * 2 - 1);

    private static final byte[] TAKEN = new byte[0];
    private static final AtomicReferenceArray<byte[]> ARRAYS = new AtomicReferenceArray<>(STRIPES);

    private ScratchBuffers() {
    }

    /** The stripe of the current thread. */
    static int stripe() {
        return (int) Thread.currentThread().threadId() & (STRIPES - 1);
    }

    /** The array of {@code stripe}, which the caller gives back, or null while another thread has it. */
    static byte[] take(int stripe) {
        byte[] array = ARRAYS.getAndSet(stripe, TAKEN);
        if (array == TAKEN) {
            return null;
        }
        return array == null ? new byte[SIZE] : array;
    }

    /** Gives back what {@link #take} returned. */
    static void give(int stripe, byte[] array) {
        ARRAYS.setRelease(stripe, array);
    }
}
