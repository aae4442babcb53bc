package io.courier.examples.ftgo.notification;

import io.courier.examples.ftgo.order.OrderCreated;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The notification service: "sends" notices by keeping them, one list per consumer. It tells
 * the consumer an order was received when it hears {@code OrderCreated}, and sends what the
 * order service asks it to. Thread-safe.
 */
public final class Notifications implements NotificationService {
    private final Map<Long, CopyOnWriteArrayList<Notice>> sent = new ConcurrentHashMap<>();

    @Override
    public void send(Notice notice) {
        CopyOnWriteArrayList<Notice> list = sent.computeIfAbsent(notice.consumerId(), id -> new CopyOnWriteArrayList<>());
        // A message may come twice (at-least-once delivery): the consumer hears it once.
        list.addIfAbsent(notice);
    }

    @Override
    public List<Notice> sent(long consumerId) {
        List<Notice> list = sent.get(consumerId);
        return list == null ? List.of() : List.copyOf(list);
    }

    /** Tells the consumer their order was received. */
    public void onOrderCreated(OrderCreated event) {
        send(new Notice(event.consumerId(), event.orderId(), "Order " + event.orderId() + " received from "
                + event.restaurant() + ": " + event.total().amount() + " " + event.total().currency()));
    }
}
