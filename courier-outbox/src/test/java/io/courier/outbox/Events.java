package io.courier.outbox;

/** The payloads of the outbox tests. */
final class Events {
    private Events() {
    }

    /** An order placed: the event a business transaction publishes. */
    record OrderPlaced(String order, int seq) {}

    /** What billing publishes after handling an order, through the outbox, in the inbox's transaction. */
    record OrderBilled(String order) {}
}
