package io.courier.internal;

import io.courier.Call;
import io.courier.Interceptor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Runs a list of interceptors, outermost first, then a terminal step. Immutable. */
public final class InterceptorChain {
    private final List<Interceptor> interceptors;
    private final Function<Call, CompletableFuture<Object>> terminal;

    public InterceptorChain(List<Interceptor> interceptors, Function<Call, CompletableFuture<Object>> terminal) {
        this.interceptors = List.copyOf(interceptors);
        this.terminal = terminal;
    }

    /** Runs the chain for {@code call}; an interceptor that throws fails the future instead. */
    public CompletableFuture<Object> proceed(Call call) {
        return step(0, call);
    }

    private CompletableFuture<Object> step(int index, Call call) {
        try {
            if (index == interceptors.size()) {
                return terminal.apply(call);
            }
            CompletableFuture<Object> f = interceptors.get(index).intercept(call, next -> step(index + 1, next));
            if (f == null) {
                throw new IllegalStateException("interceptor " + interceptors.get(index).getClass().getName()
                        + " returned null (expected: a future)");
            }
            return f;
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
