package io.courier.outbox;

import io.courier.annotation.OneWay;
import io.courier.annotation.Service;

/** The payloads of the outbox tests. */
public final class Events {
    private Events() {
    }

    /** An order placed: the event a business transaction publishes. */
    record OrderPlaced(String order, int seq) {}

    /** What billing publishes after handling an order, through the outbox, in the inbox's transaction. */
    record OrderBilled(String order) {}

    /** One-way commands sent through the outbox. */
    @Service("kitchen")
    public interface Kitchen {
        @OneWay
        void prepare(String order);
    }
}
