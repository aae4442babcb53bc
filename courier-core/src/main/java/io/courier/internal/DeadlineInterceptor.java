package io.courier.internal;

import io.courier.Call;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.Interceptor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fails a call with {@link DeadlineExceededException} when its deadline passes, and cancels
 * the work below it so nothing outlives the deadline. Calls without a deadline pass untouched.
 */
public final class DeadlineInterceptor implements Interceptor {
    private final ScheduledExecutorService scheduler;

    public DeadlineInterceptor(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        Deadline deadline = call.context().deadline().orElse(null);
        if (deadline == null) {
            return next.proceed(call);
        }
        long left = deadline.remainingNanos();
        if (left <= 0) {
            return CompletableFuture.failedFuture(expired(call, deadline));
        }
        CompletableFuture<Object> inner = next.proceed(call);
        if (inner.isDone()) {
            return inner;
        }
        CompletableFuture<Object> outer = new CompletableFuture<>();
        ScheduledFuture<?> timer = scheduler.schedule(() -> {
            if (outer.completeExceptionally(expired(call, deadline))) {
                inner.cancel(true);
            }
        }, left, TimeUnit.NANOSECONDS);
        inner.whenComplete((value, failure) -> {
            timer.cancel(false);
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

    static DeadlineExceededException expired(Call call, Deadline deadline) {
        return new DeadlineExceededException(call.method().fullName() + ": deadline exceeded"
                + (call.target() == null ? "" : " calling " + call.target()));
    }
}
