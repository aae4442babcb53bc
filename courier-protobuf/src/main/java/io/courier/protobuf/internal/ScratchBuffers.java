package io.courier.protobuf.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Reusable byte arrays that records are written into before being copied out at their exact
 * size, so that a record is walked once, not once to size it and once to write it.
 *
 * <p>A platform thread (an event loop, a pool's worker) has an array of its own, taken and
 * given back with plain field writes: it is only ever touched by that thread. Virtual threads,
 * of which there may be millions, share at most {@link #STRIPES} arrays: one takes the array of
 * its stripe (by thread id) with an atomic swap and gives it back. Either way, a thread that
 * finds its array taken (a stripe written by another thread at the same moment, or a record
 * encoded while another is being written on the same thread) gets none and sizes the record
 * first. Thread-safe.
 */
final class ScratchBuffers {
    /** Bytes per array: a record larger than this is sized first, as without a buffer. */
    static final int SIZE = 4096;
    static final int STRIPES = Integer.highestOneBit(Math.max(1, Math.min(64,
            Runtime.getRuntime().availableProcessors() * 4)) * 2 - 1);
    /** What {@link #stripe()} returns on a platform thread: the thread's own array. */
    static final int OWN = -1;

    private static final byte[] TAKEN = new byte[0];
    private static final AtomicReferenceArray<byte[]> ARRAYS = new AtomicReferenceArray<>(STRIPES);
    private static final ThreadLocal<Own> OWNED = ThreadLocal.withInitial(Own::new);

    /** A platform thread's array and whether it is in use; only that thread reads or writes it. */
    private static final class Own {
        final byte[] array = new byte[SIZE];
        boolean taken;
    }

    private ScratchBuffers() {
    }

    /** The stripe of the current thread, or {@link #OWN} on a platform thread. */
    static int stripe() {
        Thread thread = Thread.currentThread();
        return thread.isVirtual() ? (int) thread.threadId() & (STRIPES - 1) : OWN;
    }

    /** The array of {@code stripe}, which the caller gives back, or null while it is taken. */
    static byte[] take(int stripe) {
        if (stripe == OWN) {
            Own own = OWNED.get();
            if (own.taken) {
                return null;
            }
            own.taken = true;
            return own.array;
        }
        byte[] array = ARRAYS.getAndSet(stripe, TAKEN);
        if (array == TAKEN) {
            return null;
        }
        return array == null ? new byte[SIZE] : array;
    }

    /** Gives back what {@link #take} returned. */
    static void give(int stripe, byte[] array) {
        if (stripe == OWN) {
            OWNED.get().taken = false;
        } else {
            ARRAYS.setRelease(stripe, array);
        }
    }
}
