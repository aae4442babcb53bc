package io.courier.http.internal;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * A body gathered as its bytes arrive, in one array. A declared length (Content-Length) is only
 * a claim: the first array is never larger than asked whatever it says, so a head of a few bytes
 * holds no more heap; the array then grows, doubling, as bytes arrive past it, up to the declared
 * length once bytes show it is meant, and never past the limit. Used on one thread at a time.
 */
final class BodyBuffer {
    private final long declared;
    private final int max;
    private byte[] bytes;
    private int size;

    /**
     * @param declared the length the peer declared, or -1
     * @param first    the most the first array holds
     * @param max      the most the body may hold
     */
    BodyBuffer(long declared, int first, int max) {
        this.declared = declared;
        this.max = max;
        this.bytes = new byte[(int) Math.min(declared >= 0 ? declared : first, first)];
    }

    /** Appends {@code chunk}; false, keeping nothing more, when it would take the body past the limit. */
    boolean append(Buffer chunk) {
        int n = chunk.length();
        if ((long) size + n > max) {
            bytes = null;
            return false;
        }
        if (size + n > bytes.length) {
            long cap = declared >= 0 ? Math.max(declared, (long) size + n) : max;
            bytes = Arrays.copyOf(bytes, (int) Math.min(cap, Math.max((long) size + n, 2L * bytes.length)));
        }
        chunk.getBytes(0, n, bytes, size);
        size += n;
        return true;
    }

    /** The bytes that have arrived so far. */
    int size() {
        return size;
    }

    /** The body, exactly its bytes; the buffer holds nothing after. */
    byte[] take() {
        byte[] whole = size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        bytes = null;
        return whole;
    }

    /** Lets go of what has arrived. */
    void drop() {
        bytes = null;
    }
}
