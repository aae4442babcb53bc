package io.courier;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The sizes of one call's messages as a transport encoded them, for metrics: the transport that
 * knows them reports each request and response body in bytes (before any HTTP compression), and
 * interceptors listen. It travels in the {@link CallContext} ({@link CallContext#sizes()}): a
 * server transport puts one there, a client interceptor puts one in the call it passes on and the
 * client transport reports into it. A listener added after a size was reported is told it at
 * once (the first {@value #HISTORY} of each kind: a long stream's are not all kept). Transports
 * that do not know the sizes report nothing. Thread-safe.
 *
 * <pre>{@code
 * MessageSizes sizes = MessageSizes.create();
 * sizes.onResponse(bytes -> summary.record(bytes));
 * return next.proceed(call.withContext(call.context().withSizes(sizes)));
 * }</pre>
 */
public final class MessageSizes {
    /**
     * How many sizes of each kind are kept for listeners added later: enough for a call's body
     * and the first messages of a stream, while a long stream's sizes are not all kept.
     */
    static final int HISTORY = 64;
    private static final LongConsumer[] NONE = {};
    private static final long[] EMPTY = {};

    // Guarded by this; listeners rarely change, sizes are reported per message.
    private LongConsumer[] requestListeners = NONE;
    private LongConsumer[] responseListeners = NONE;
    private long[] requests = EMPTY;
    private long[] responses = EMPTY;
    private int requestCount;
    private int responseCount;

    private MessageSizes() {
    }

    /** An empty one. */
    public static MessageSizes create() {
        return new MessageSizes();
    }

    /**
     * Tells {@code listener} of every request body reported from now on, and of those reported
     * before (the first {@value #HISTORY}).
     */
    public synchronized void onRequest(LongConsumer listener) {
        requestListeners = with(requestListeners, listener);
        replay(listener, requests, requestCount);
    }

    /**
     * Tells {@code listener} of every response body reported from now on, and of those reported
     * before (the first {@value #HISTORY}).
     */
    public synchronized void onResponse(LongConsumer listener) {
        responseListeners = with(responseListeners, listener);
        replay(listener, responses, responseCount);
    }

    /** Reports a request body of {@code bytes} (for a transport). */
    public synchronized void request(long bytes) {
        if (requestCount < HISTORY) {
            requests = kept(requests, requestCount);
            requests[requestCount++] = bytes;
        }
        for (LongConsumer l : requestListeners) {
            l.accept(bytes);
        }
    }

    /** Reports a response body of {@code bytes} (for a transport). */
    public synchronized void response(long bytes) {
        if (responseCount < HISTORY) {
            responses = kept(responses, responseCount);
            responses[responseCount++] = bytes;
        }
        for (LongConsumer l : responseListeners) {
            l.accept(bytes);
        }
    }

    private static LongConsumer[] with(LongConsumer[] listeners, LongConsumer listener) {
        Objects.requireNonNull(listener, "listener");
        LongConsumer[] more = Arrays.copyOf(listeners, listeners.length + 1);
        more[listeners.length] = listener;
        return more;
    }

    /** {@code sizes} with room for one more: grown from nothing, a call of one body keeps one. */
    private static long[] kept(long[] sizes, int count) {
        return count < sizes.length ? sizes : Arrays.copyOf(sizes, Math.min(HISTORY, Math.max(1, count * 2)));
    }

    private static void replay(LongConsumer listener, long[] sizes, int count) {
        for (int i = 0; i < count; i++) {
            listener.accept(sizes[i]);
        }
    }
}
