package io.courier.resilience;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.Deadline;
import io.courier.Interceptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.test.FakeClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Calls of {@link Inventory} and a fake rest of the chain whose answers the test controls. */
final class Calls {
    static final ServiceDescriptor INVENTORY = ServiceDescriptor.of(Inventory.class);
    static final URI A = URI.create("http://10.0.0.1:8080");
    static final URI B = URI.create("http://10.0.0.2:8080");

    private Calls() {
    }

    /** A call of the idempotent {@code item(1)}. */
    static Call idempotent() {
        return call("item", 1L);
    }

    /** A call of the non-idempotent {@code create("x")}. */
    static Call nonIdempotent() {
        return call("create", "x");
    }

    static Call call(String method, Object... args) {
        return Call.of(INVENTORY, INVENTORY.method(method).orElseThrow(), args, CallContext.empty(), A);
    }

    static Call withDeadline(Call call, Duration timeout, FakeClock clock) {
        return call.withContext(call.context().withDeadline(Deadline.after(timeout, clock)));
    }

    /** A {@link Interceptor.Next} that records every attempt and answers with a future made per attempt. */
    static final class FakeNext implements Interceptor.Next {
        final List<CompletableFuture<Object>> attempts = new ArrayList<>();
        final List<Call> calls = new ArrayList<>();
        private final Function<Integer, CompletableFuture<Object>> answer;

        /** Each attempt returns a fresh pending future, completed by the test. */
        FakeNext() {
            this(n -> new CompletableFuture<>());
        }

        /** Attempt n (from 1) returns {@code answer.apply(n)}. */
        FakeNext(Function<Integer, CompletableFuture<Object>> answer) {
            this.answer = answer;
        }

        @Override
        public synchronized CompletableFuture<Object> proceed(Call call) {
            calls.add(call);
            CompletableFuture<Object> f = answer.apply(calls.size());
            attempts.add(f);
            return f;
        }

        synchronized int count() {
            return calls.size();
        }

        synchronized CompletableFuture<Object> attempt(int n) {
            return attempts.get(n - 1);
        }
    }

    static CompletableFuture<Object> ok(Object value) {
        return CompletableFuture.completedFuture(value);
    }

    static CompletableFuture<Object> failed(Throwable t) {
        return CompletableFuture.failedFuture(t);
    }
}
