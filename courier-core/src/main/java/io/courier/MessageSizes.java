package io.courier;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * The sizes of one call's messages as a transport encoded them, for metrics: the transport that
 * knows them reports each request and response body in bytes (before any HTTP compression), and
 * interceptors listen. It travels in the {@link CallContext} ({@link CallContext#sizes()}): a
 * server transport puts one there, a client interceptor puts one in the call it passes on and the
 * client transport reports into it. A listener added after a size was reported is told it at
 * once. Transports that do not know the sizes report nothing. Thread-safe.
 *
 * <pre>{@code
 * MessageSizes sizes = MessageSizes.create();
 * sizes.onResponse(bytes -> summary.record(bytes));
 * return next.proceed(call.withContext(call.context().withSizes(sizes)));
 * }</pre>
 */
public final class MessageSizes {
    private final List<LongConsumer> requestListeners = new CopyOnWriteArrayList<>();
    private final List<LongConsumer> responseListeners = new CopyOnWriteArrayList<>();
    private final List<Long> requests = new CopyOnWriteArrayList<>();
    private final List<Long> responses = new CopyOnWriteArrayList<>();

    private MessageSizes() {
    }

    /** An empty one. */
    public static MessageSizes create() {
        return new MessageSizes();
    }

    /** Tells {@code listener} of every request body reported, those reported before included. */
    public synchronized void onRequest(LongConsumer listener) {
        requestListeners.add(Objects.requireNonNull(listener, "listener"));
        requests.forEach(listener::accept);
    }

    /** Tells {@code listener} of every response body reported, those reported before included. */
    public synchronized void onResponse(LongConsumer listener) {
        responseListeners.add(Objects.requireNonNull(listener, "listener"));
        responses.forEach(listener::accept);
    }

    /** Reports a request body of {@code bytes} (for a transport). */
    public synchronized void request(long bytes) {
        requests.add(bytes);
        requestListeners.forEach(l -> l.accept(bytes));
    }

    /** Reports a response body of {@code bytes} (for a transport). */
    public synchronized void response(long bytes) {
        responses.add(bytes);
        responseListeners.forEach(l -> l.accept(bytes));
    }
}
