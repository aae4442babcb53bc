package io.courier.outbox.internal.tailing;

import java.util.concurrent.atomic.AtomicLong;

/** What a relay reports about itself; written by its sessions, read by anyone. Thread-safe. */
public final class TailStats {
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong largestInFlightBytes = new AtomicLong();
    private volatile boolean active;
    private volatile long confirmedLsn;
    private volatile long lagBytes = -1;
    private volatile long relayMicros = -1;

    void published() {
        published.incrementAndGet();
    }

    void parked(int rows) {
        parked.addAndGet(rows);
    }

    void inFlight(long bytes) {
        largestInFlightBytes.accumulateAndGet(bytes, Math::max);
    }

    void active(boolean active) {
        this.active = active;
    }

    void confirmed(long lsn) {
        confirmedLsn = lsn;
    }

    void lag(long bytes) {
        lagBytes = bytes;
    }

    /**
     * The latency of the last commit relayed, in microseconds; 0 when the clocks put the
     * confirmation before the commit (the server's and this machine's clocks differ, or both fall
     * in one millisecond of a clock read to the millisecond): a negative value would read as none.
     */
    void relayed(long micros) {
        relayMicros = Math.max(0, micros);
    }

    /** Messages the broker confirmed. */
    public long publishedCount() {
        return published.get();
    }

    /** Rows set aside into the parked table. */
    public long parked() {
        return parked.get();
    }

    /** The most bytes of rows ({@code RowBytes}) sent and not yet confirmed by the broker at once. */
    public long largestInFlightBytes() {
        return largestInFlightBytes.get();
    }

    /** Whether a session reads the slot now. */
    public boolean isActive() {
        return active;
    }

    /** The last LSN confirmed to the server, 0 before any. */
    public long confirmedLsn() {
        return confirmedLsn;
    }

    /** The slot's lag at the last check, -1 before any. */
    public long lagBytes() {
        return lagBytes;
    }

    /** Commit to broker confirmation of the last confirmed commit with rows, -1 before any. */
    public long relayMicros() {
        return relayMicros;
    }
}
