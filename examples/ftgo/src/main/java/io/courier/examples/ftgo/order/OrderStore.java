package io.courier.examples.ftgo.order;

import java.util.stream.Stream;

/**
 * Where the order service keeps an accepted order, and how its {@code OrderCreated} event
 * leaves: in memory and straight to the broker ({@link #inMemory()}), or in a database table
 * and the transactional outbox, in one transaction.
 */
public interface OrderStore {
    /** Saves {@code order} and runs {@code publish} (which publishes its event) with it, atomically when it can. */
    void save(Order order, Runnable publish);

    /** The steps of {@code order} from its approval on; the stream ends when there is no more to tell. */
    Stream<OrderStatus> progress(Order order);

    /** Keeps nothing beyond the order service's memory; publishes directly; tells only the approval. */
    static OrderStore inMemory() {
        return new OrderStore() {
            @Override
            public void save(Order order, Runnable publish) {
                publish.run();
            }

            @Override
            public Stream<OrderStatus> progress(Order order) {
                return Stream.of(approved(order));
            }
        };
    }

    /** The first step of every order's status. */
    static OrderStatus approved(Order order) {
        return new OrderStatus(order.id(), "APPROVED", "total " + order.total().amount() + " "
                + order.total().currency() + ", ticket " + order.ticketId() + ", " + order.delivery().courier());
    }
}
