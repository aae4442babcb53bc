package io.courier.http;

import io.courier.CallContext;
import io.courier.NotFoundException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A fake shop that remembers what it was told, for assertions. */
final class ShopImpl implements Shop {
    static final Instant PLACED = Instant.parse("2024-05-01T10:15:30Z");

    final Set<String> events = ConcurrentHashMap.newKeySet();
    final Map<Long, String> notes = new ConcurrentHashMap<>();
    final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    final Map<String, CountDownLatch> interrupted = new ConcurrentHashMap<>();

    @Override
    public Order get(long id) {
        return new Order(id, List.of(new Item("sku-" + id, 1)), PLACED);
    }

    @Override
    public List<Order> recent(int limit, List<String> skus, Optional<Instant> after) {
        Instant at = after.orElse(PLACED);
        return skus.stream().limit(limit).map(s -> new Order(limit, List.of(new Item(s, 1)), at)).toList();
    }

    @Override
    public Order place(Order order) {
        return new Order(order.id() + 1000, order.items(), order.placedAt());
    }

    @Override
    public void note(long id, String author, String note) {
        notes.put(id, author + ": " + note);
    }

    @Override
    public CompletableFuture<Void> cancel(long id) {
        return CompletableFuture.runAsync(() -> cancelled.add(id));
    }

    @Override
    public CompletableFuture<Order> getAsync(long id) {
        return CompletableFuture.supplyAsync(() -> get(id));
    }

    @Override
    public void record(String event) {
        events.add(event);
    }

    @Override
    public String whoami(String who) {
        CallContext c = CallContext.current();
        return who + "/" + c.caller().orElse("?") + "/" + c.metadata().get("x-tenant").orElse("?") + "/"
                + c.deadline().isPresent();
    }

    @Override
    public String slow(String token) {
        CountDownLatch latch = interrupted.computeIfAbsent(token, t -> new CountDownLatch(1));
        try {
            boolean released = new CountDownLatch(1).await(1, TimeUnit.MINUTES); // the deadline interrupts this
            return released ? "released" : "finished";
        } catch (InterruptedException e) {
            latch.countDown();
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    CountDownLatch interrupted(String token) {
        return interrupted.computeIfAbsent(token, t -> new CountDownLatch(1));
    }

    @Override
    public Order missing(long id) {
        throw new NotFoundException("order " + id + " does not exist");
    }
}
