package io.courier.test.conformance;

import io.courier.CallContext;
import io.courier.CourierException;
import io.courier.Deadline;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The implementation of {@link ConformanceService} the suite serves. It records what arrives
 * so tests can check effects the caller does not see (void and one-way calls, interruption).
 * Thread-safe.
 */
public final class ConformanceServer implements ConformanceService {
    private final Queue<Payload> accepted = new ConcurrentLinkedQueue<>();
    private final Queue<String> notified = new ConcurrentLinkedQueue<>();
    private final Queue<String> notifying = new ConcurrentLinkedQueue<>();
    private final Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> interruptions = new ConcurrentHashMap<>();
    private final Queue<String> echoContentTypes = new ConcurrentLinkedQueue<>();

    /** Payloads received by {@link #accept} and {@link #acceptAsync}, in arrival order. */
    public Queue<Payload> accepted() {
        return accepted;
    }

    /** Tokens received by {@link #fireAndForget}, once their handler ran. */
    public Queue<String> notified() {
        return notified;
    }

    /** Tokens received by {@link #fireAndForget}, as their handler starts. */
    public Queue<String> notifying() {
        return notifying;
    }

    /** Lets the one-way handler of {@code "hold:" + key} finish. */
    public void release(String key) {
        latch(releases, key).countDown();
    }

    /** Counted down when the {@link #slow} handler for {@code token} is interrupted. */
    public CountDownLatch interrupted(String token) {
        return latch(interruptions, token);
    }

    /**
     * The {@code content-type} metadata of each {@link #echo} call, where the transport keeps it
     * (REST does, so a REST suite can check the format each body arrived in).
     */
    public Queue<String> echoContentTypes() {
        return echoContentTypes;
    }

    @Override
    public Payload echo(Payload payload) {
        CallContext.current().metadata().get("content-type").ifPresent(echoContentTypes::add);
        return payload;
    }

    @Override
    public void accept(Payload payload) {
        accepted.add(payload);
    }

    @Override
    public CompletableFuture<Payload> echoAsync(Payload payload) {
        return CompletableFuture.supplyAsync(() -> payload);
    }

    @Override
    public CompletableFuture<Void> acceptAsync(Payload payload) {
        return CompletableFuture.runAsync(() -> accepted.add(payload));
    }

    @Override
    public CompletableFuture<String> failAsync(Failure failure) {
        return CompletableFuture.supplyAsync(() -> {
            throw exception(failure);
        });
    }

    @Override
    public void fireAndForget(String token) {
        notifying.add(token);
        if (token.startsWith("hold:")) {
            try {
                if (!latch(releases, token.substring(5)).await(30, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        notified.add(token);
    }

    @Override
    public Seen path(long id, String name) {
        return seen(String.valueOf(id), name);
    }

    @Override
    public Seen typedPath(Mood mood, UUID uuid, LocalDate day) {
        return seen(mood.name(), uuid.toString(), day.toString());
    }

    @Override
    public Seen query(String s, Optional<Integer> n, List<String> tags, Mood mood) {
        return seen(s, n.map(String::valueOf).orElse("empty"), String.valueOf(tags),
                mood == null ? null : mood.name());
    }

    @Override
    public Seen header(String value) {
        return seen(value);
    }

    @Override
    public String ping() {
        return "pong";
    }

    @Override
    public Payload defaultRoute(Payload payload) {
        return payload;
    }

    @Override
    public String defaultRouteNoArgs() {
        return "default route";
    }

    @Override
    public String get(String key) {
        return "GET " + key;
    }

    @Override
    public String post(String key, String value) {
        return "POST " + key + " " + value;
    }

    @Override
    public String put(String key, String value) {
        return "PUT " + key + " " + value;
    }

    @Override
    public String patch(String key, String value) {
        return "PATCH " + key + " " + value;
    }

    @Override
    public String delete(String key) {
        return "DELETE " + key;
    }

    @Override
    public void fail(Failure failure) {
        throw exception(failure);
    }

    @Override
    public String crash(String secret) {
        throw new IllegalStateException("database password is " + secret);
    }

    @Override
    public String dereference(String text) {
        String nothing = text.isEmpty() ? text : null;
        return nothing.trim();
    }

    @Override
    public Parcel ship(Parcel parcel) {
        return parcel;
    }

    @Override
    public String reject(String reason) {
        throw new IllegalArgumentException(reason);
    }

    @Override
    public CallInfo context() {
        CallContext context = CallContext.current();
        long left = context.deadline().map(Deadline::remaining).map(d -> d.toMillis()).orElse(-1L);
        return new CallInfo(context.caller().orElse(null), left, context.metadata().get("x-tenant").orElse(null));
    }

    @Override
    public String slow(String token) {
        try {
            // Stands for work that takes longer than the caller will wait; only an interrupt ends it early.
            new CountDownLatch(1).await(60, TimeUnit.SECONDS);
            return "finished";
        } catch (InterruptedException e) {
            interrupted(token).countDown();
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public String reverse(String text) {
        return new StringBuilder(text).reverse().toString();
    }

    @Override
    public List<Item> reverseItems(List<Item> items) {
        List<Item> out = new ArrayList<>(items);
        Collections.reverse(out);
        return out;
    }

    @Override
    public String where() {
        return "server";
    }

    private static Seen seen(String... values) {
        return new Seen(Arrays.asList(values));
    }

    private static CourierException exception(Failure failure) {
        return CourierException.of(failure.status(), failure.message(), failure.details(), false);
    }

    private static CountDownLatch latch(Map<String, CountDownLatch> latches, String key) {
        return latches.computeIfAbsent(key, k -> new CountDownLatch(1));
    }
}
