package io.courier.messaging.inmemory;

import io.courier.messaging.Message;

/** One message in one group's partition, with its delivery state. Guarded by the broker's lock. */
final class Entry {
    final Message message;
    final long seq;
    int deliveries;
    /** Bumped on every delivery, so that a settle call from an older delivery is recognised. */
    int generation;
    boolean acked;

    Entry(Message message, long seq) {
        this.message = message;
        this.seq = seq;
    }
}
