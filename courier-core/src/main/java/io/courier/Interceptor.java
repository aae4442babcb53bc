package io.courier;

import java.util.concurrent.CompletableFuture;

/**
 * A step around every call, with one shape on both sides: a client interceptor sees the call
 * before it is encoded and sent, a server interceptor sees it after it is decoded and before
 * the implementation runs. Courier's own behaviour (deadlines, and later retries, breakers,
 * metrics) is built from interceptors.
 *
 * <pre>{@code
 * Interceptor tenant = (call, next) ->
 *     next.proceed(call.withContext(call.context().withMetadata(
 *         call.context().metadata().withOnly("x-tenant", "acme"))));
 * }</pre>
 *
 * <p>{@link Interceptors} makes Courier's own: the deadline step, and a chain of several.
 *
 * <p>An interceptor calls {@code next.proceed} once to go on (a retrying one may call it again),
 * or completes the future itself to answer without going on. The future completes with the
 * method's result ({@code null} for {@code void}) or exceptionally with a
 * {@link CourierException}. Interceptors must be thread-safe; they may run on an event loop,
 * so they must not block.
 */
@FunctionalInterface
public interface Interceptor {
    /** Handles {@code call}, usually by passing it, possibly changed, to {@code next}. */
    CompletableFuture<Object> intercept(Call call, Next next);

    /** The rest of the chain. */
    @FunctionalInterface
    interface Next {
        /** Runs the rest of the chain for {@code call}. */
        CompletableFuture<Object> proceed(Call call);
    }
}
