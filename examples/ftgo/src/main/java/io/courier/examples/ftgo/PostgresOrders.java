package io.courier.examples.ftgo;

import io.courier.UnavailableException;
import io.courier.examples.ftgo.order.Order;
import io.courier.examples.ftgo.order.OrderStatus;
import io.courier.examples.ftgo.order.OrderStore;
import io.courier.outbox.Outbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The order service's store in the multi-process demo: each order is a row of {@code orders},
 * inserted in the outbox's transaction with its {@code OrderCreated} event, so both are
 * committed or neither. Its status stream follows {@code demo_handled} until the three
 * subscriber groups have handled the event. Thread-safe.
 */
final class PostgresOrders implements OrderStore {
    /** The groups subscribed to {@code OrderCreated}. */
    static final List<String> GROUPS = List.of("accounting", "kitchen", "notification");
    private static final Duration FOLLOW_FOR = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Outbox outbox;

    PostgresOrders(Outbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public void save(Order order, Runnable publish) {
        outbox.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (id, consumer_id, total) VALUES (?, ?, ?)")) {
                ps.setString(1, order.id());
                ps.setLong(2, order.consumerId());
                ps.setBigDecimal(3, order.total().amount());
                ps.executeUpdate();
            }
            publish.run(); // a row of the outbox, in this transaction
            return null;
        });
    }

    @Override
    public Stream<OrderStatus> progress(Order order) {
        Iterator<OrderStatus> steps = new Iterator<>() {
            private final Set<String> told = new LinkedHashSet<>();
            private final List<OrderStatus> pending = new ArrayList<>(List.of(OrderStore.approved(order)));
            private final long deadline = System.nanoTime() + FOLLOW_FOR.toNanos();

            @Override
            public boolean hasNext() {
                while (pending.isEmpty() && told.size() < GROUPS.size() && System.nanoTime() < deadline) {
                    handled(order.id()).forEach((group, instance) -> {
                        if (told.add(group)) {
                            pending.add(new OrderStatus(order.id(), "HANDLED_BY_" + group.toUpperCase(java.util.Locale.ROOT),
                                    instance + " handled OrderCreated"));
                        }
                    });
                    if (pending.isEmpty()) {
                        LockSupport.parkNanos(POLL.toNanos());
                    }
                }
                return !pending.isEmpty();
            }

            @Override
            public OrderStatus next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.remove(0);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(steps, Spliterator.ORDERED), false);
    }

    /** The groups that handled the event of order {@code id}, with the instance that did, oldest first. */
    private Map<String, String> handled(String id) {
        Map<String, String> by = new java.util.LinkedHashMap<>();
        try (Connection c = outbox.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT grp, instance FROM demo_handled WHERE order_id = ? ORDER BY handled_at")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    by.putIfAbsent(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new UnavailableException("reading the progress of order " + id + ": " + e.getMessage());
        }
        return by;
    }

    /** Records, with the inbox's connection, that {@code instance} of {@code group} handled order {@code id}'s event. */
    static void recordHandled(Connection c, String group, String id, String instance) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO demo_handled (grp, order_id, instance) VALUES (?, ?, ?)")) {
            ps.setString(1, group);
            ps.setString(2, id);
            ps.setString(3, instance);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new UnavailableException("recording that " + group + " handled order " + id + ": " + e.getMessage());
        }
    }
}
