package io.courier.internal;

import io.courier.Call;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.Interceptor;
import io.courier.Scheduler;
import java.util.concurrent.CompletableFuture;

/**
 * Fails a call with {@link DeadlineExceededException} when its deadline passes, and cancels
 * the work below it so nothing outlives the deadline. Calls without a deadline pass untouched.
 * Obtain one with {@code Interceptors.deadline(scheduler)}.
 */
public final class DeadlineInterceptor implements Interceptor {
    private final Scheduler scheduler;

    public DeadlineInterceptor(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        Deadline deadline = call.context().deadline().orElse(null);
        if (deadline == null) {
            return next.proceed(call);
        }
        if (deadline.expired()) {
            return CompletableFuture.failedFuture(expired(call));
        }
        CompletableFuture<Object> inner = next.proceed(call);
        if (inner.isDone()) {
            return inner;
        }
        CompletableFuture<Object> outer = new CompletableFuture<>();
        Scheduler.Task timer = deadline.runOnExpiration(() -> {
            if (outer.completeExceptionally(expired(call))) {
                inner.cancel(true);
            }
        }, scheduler);
        inner.whenComplete((value, failure) -> {
            timer.cancel();
            if (failure == null) {
                outer.complete(value);
            } else {
                outer.completeExceptionally(Errors.unwrap(failure));
            }
        });
        outer.whenComplete((v, f) -> {
            if (outer.isCancelled()) {
                inner.cancel(true);
            }
        });
        return outer;
    }

    static DeadlineExceededException expired(Call call) {
        return new DeadlineExceededException(call.method().fullName() + ": deadline exceeded"
                + (call.target() == null ? "" : " calling " + call.target()));
    }

    @Override
    public String toString() {
        return "Deadline";
    }
}
