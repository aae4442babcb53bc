package io.courier.resilience.internal;

import io.courier.Call;
import io.courier.Interceptor;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Runs a fixed list of interceptors, outermost first, then the rest of the client's chain. */
public final class Chain {
    private final Interceptor[] steps;

    public Chain(List<Interceptor> steps) {
        this.steps = steps.toArray(Interceptor[]::new);
    }

    public CompletableFuture<Object> proceed(int index, Call call, Interceptor.Next last) {
        try {
            if (index == steps.length) {
                return last.proceed(call);
            }
            CompletableFuture<Object> f = steps[index].intercept(call, c -> proceed(index + 1, c, last));
            if (f == null) {
                throw new IllegalStateException("interceptor " + steps[index].getClass().getName()
                        + " returned null (expected: a future)");
            }
            return f;
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
