package io.courier.messaging.conformance;

/** The event and request types of the conformance suite. */
public final class Events {
    private Events() {
    }

    public record OrderCreated(String orderId, int seq) {
    }

    public record QuoteRequest(String orderId) {
    }

    public record Quote(String courier, long cents) {
    }
}
