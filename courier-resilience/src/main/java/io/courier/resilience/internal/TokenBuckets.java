package io.courier.resilience.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket per key, at most {@code maxKeys} of them: each key may take {@code burst}
 * tokens at once and gets them back at {@code tokensPerNano}. The buckets live in segments,
 * each a map in access order under its own lock, so a call touches one small lock and no
 * allocation once its key has a bucket, and a full segment forgets its least recently used
 * key.
 *
 * <p>Why forgetting is safe: a bucket idle long enough to refill is the same as a new one, so
 * only a key seen again before it refilled gains from being forgotten (a fresh burst). That
 * takes more than {@code maxKeys} callers active within one refill time; the limit then
 * loosens for some of them, while memory stays bounded, which is the trade this class makes.
 */
public final class TokenBuckets {
    private static final int SEGMENTS = 16;

    private final double burst;
    private final double tokensPerNano;
    private final Segment[] segments = new Segment[SEGMENTS];

    public TokenBuckets(double burst, double tokensPerNano, int maxKeys) {
        this.burst = burst;
        this.tokensPerNano = tokensPerNano;
        int perSegment = Math.max(1, (maxKeys + SEGMENTS - 1) / SEGMENTS);
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment(perSegment);
        }
    }

    /**
     * Takes a token of {@code key}'s bucket at {@code now}: 0 when one was there, else how many
     * nanoseconds until one will be.
     */
    public long take(String key, long now) {
        int h = key.hashCode();
        Segment segment = segments[(h ^ (h >>> 16)) & (SEGMENTS - 1)];
        segment.lock.lock();
        try {
            Bucket b = segment.buckets.get(key);
            if (b == null) {
                b = new Bucket(burst, now);
                segment.buckets.put(key, b);
            } else {
                b.tokens = Math.min(burst, b.tokens + (now - b.updated) * tokensPerNano);
                b.updated = now;
            }
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / tokensPerNano));
        } finally {
            segment.lock.unlock();
        }
    }

    /** The keys that have a bucket now. */
    public int size() {
        int n = 0;
        for (Segment s : segments) {
            s.lock.lock();
            try {
                n += s.buckets.size();
            } finally {
                s.lock.unlock();
            }
        }
        return n;
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    private static final class Segment {
        final ReentrantLock lock = new ReentrantLock();
        final LinkedHashMap<String, Bucket> buckets;

        Segment(int max) {
            this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                    return size() > max;
                }
            };
        }
    }
}
