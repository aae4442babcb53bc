package io.courier;

import io.courier.internal.DeadlineInterceptor;
import io.courier.internal.InterceptorChain;
import java.util.List;
import java.util.Objects;

/** Courier's own {@link Interceptor}s, for assembling chains by hand (a policy, a messaging client). */
public final class Interceptors {
    private Interceptors() {
    }

    /**
     * The interceptor that ends a call with {@link DeadlineExceededException} when its
     * deadline passes and cancels the work below it, waiting on {@code scheduler} (a fake clock in
     * tests). Every client has one next to its transport, per attempt; resilience policies put
     * another above their retries, for the logical call.
     */
    public static Interceptor deadline(Scheduler scheduler) {
        return new DeadlineInterceptor(Objects.requireNonNull(scheduler, "scheduler"));
    }

    /**
     * One interceptor running {@code steps} in order, outermost first, then the rest of the
     * chain, with the checks Courier's own chain makes: a step that returns null or throws fails
     * the call with an error naming it.
     */
    public static Interceptor chain(List<? extends Interceptor> steps) {
        return InterceptorChain.compose(Objects.requireNonNull(steps, "steps"));
    }
}
