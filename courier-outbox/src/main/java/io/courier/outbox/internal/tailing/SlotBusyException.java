package io.courier.outbox.internal.tailing;

/** The replication slot is being read by another connection (another relay instance): stand by. */
final class SlotBusyException extends RuntimeException {
    SlotBusyException(String message) {
        super(message, null, false, false);
    }
}
