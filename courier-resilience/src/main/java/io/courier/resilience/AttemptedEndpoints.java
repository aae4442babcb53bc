package io.courier.resilience;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.Interceptor;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, for each logical call in flight, the endpoints its attempts went to, so that a
 * retry or a hedge is sent elsewhere ({@link EndpointBalancer}). It sits above {@link Retry} and
 * {@link Hedge}; a logical call is known by its {@link CallContext}, which every attempt shares
 * (attempts differ only in their target). Thread-safe.
 */
final class AttemptedEndpoints implements Interceptor {
    // CallContext keeps Object's identity equality: one entry per logical call.
    private final Map<CallContext, Set<URI>> byCall = new ConcurrentHashMap<>();

    /** The endpoints tried so far by {@code call}'s logical call, or null if it is not tracked. */
    Set<URI> of(Call call) {
        return byCall.get(call.context());
    }

    /** Logical calls in flight; for tests. */
    int inFlight() {
        return byCall.size();
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        CallContext key = call.context();
        if (byCall.putIfAbsent(key, ConcurrentHashMap.newKeySet()) != null) {
            return next.proceed(call); // already tracked further out
        }
        CompletableFuture<Object> result;
        try {
            result = next.proceed(call);
        } catch (RuntimeException | Error e) {
            byCall.remove(key);
            throw e;
        }
        result.whenComplete((v, f) -> byCall.remove(key));
        return result;
    }

    @Override
    public String toString() {
        return "AttemptedEndpoints";
    }
}
