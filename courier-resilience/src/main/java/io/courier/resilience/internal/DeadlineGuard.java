package io.courier.resilience.internal;

import io.courier.Call;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.Interceptor;
import io.courier.Scheduler;
import io.courier.resilience.FailurePolicy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Ends a whole logical call (every attempt and backoff below it) with
 * {@link DeadlineExceededException} when its deadline passes, and cancels what is still
 * running. Core's deadline interceptor does the same per attempt next to the transport; this
 * one sits above retries and hedges, on the {@link Scheduler} that {@code Resilience} is built
 * with, so a fallback sees the deadline error and tests can drive it with a fake clock.
 */
public final class DeadlineGuard implements Interceptor {
    private final Scheduler scheduler;

    public DeadlineGuard(Scheduler scheduler) {
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
            return CompletableFuture.failedFuture(expired(call));
        }
        CompletableFuture<Object> inner = next.proceed(call);
        if (inner.isDone()) {
            return inner;
        }
        CompletableFuture<Object> outer = new CompletableFuture<>();
        Scheduler.Task timer = scheduler.schedule(Duration.ofNanos(left), () -> {
            if (outer.completeExceptionally(expired(call))) {
                inner.cancel(true);
            }
        });
        inner.whenComplete((value, failure) -> {
            timer.cancel();
            if (failure == null) {
                outer.complete(value);
            } else {
                outer.completeExceptionally(FailurePolicy.unwrap(failure));
            }
        });
        outer.whenComplete((v, f) -> {
            if (outer.isCancelled()) {
                inner.cancel(true);
            }
        });
        return outer;
    }

    private static DeadlineExceededException expired(Call call) {
        return new DeadlineExceededException(call.method().fullName() + ": deadline exceeded"
                + (call.target() == null ? "" : " calling " + call.target()));
    }
}
