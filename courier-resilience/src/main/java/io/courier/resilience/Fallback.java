package io.courier.resilience;

import io.courier.Call;
import io.courier.CourierException;
import io.courier.Interceptor;
import io.courier.InternalException;
import io.courier.contract.MethodDescriptor;
import io.courier.resilience.internal.Listeners;
import io.courier.resilience.internal.MethodOverrides;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The answer to give when a call fails despite everything else: a cached value, a default, a
 * degraded result. Handlers are typed lambdas, chosen per method by calling the method on a
 * stand-in of the contract (never by a method name in a string), or one for the whole client.
 * Only errors the {@link FailurePolicy} counts as failures fall back; an answer such as
 * {@code NOT_FOUND} reaches the caller as it is, and so does a cancellation.
 *
 * <pre>{@code
 * Fallback fallback = Fallback.builder()
 *     .on(StockService.class, s -> s.level(0L), (call, error) -> StockLevel.UNKNOWN)
 *     .onVoid(StockService.class, s -> s.reserve(0L, 0), (call, error) -> outbox.later(call.args()))
 *     .build();
 * Fallback anyMethod = Fallback.of((call, error) -> null);
 * }</pre>
 *
 * <p>For a method returning a future, a handler may return the value or a
 * {@link CompletionStage} of it. What a handler throws becomes the call's error. Thread-safe;
 * handlers must be too.
 */
public final class Fallback implements Interceptor {
    /**
     * Computes the result of a failed call.
     *
     * @param <R> the method's result type
     */
    @FunctionalInterface
    public interface Handler<R> {
        /** The result to return instead of {@code error}. */
        R apply(Call call, CourierException error);
    }

    /** Handles the failure of a {@code void} method, which then returns normally. */
    @FunctionalInterface
    public interface VoidHandler {
        /** Runs instead of failing with {@code error}. */
        void apply(Call call, CourierException error);
    }

    private final MethodOverrides<Handler<?>> byMethod;
    private final Handler<?> otherwise;
    private final FailurePolicy when;
    private final Listeners listeners = new Listeners();

    private Fallback(Builder b) {
        this.byMethod = b.byMethod;
        this.otherwise = b.otherwise;
        this.when = b.when;
    }

    /** A fallback for every method of the client. */
    public static Fallback of(Handler<?> handler) {
        return builder().otherwise(handler).build();
    }

    /** A builder without handlers, falling back on {@link FailurePolicy#byStatus()} failures. */
    public static Builder builder() {
        return new Builder();
    }


    /**
     * Tells {@code listener} of the {@link ResilienceListener.Event}s of this step (for every
     * method, overrides included). Fast and non-blocking, see {@link ResilienceListener}.
     *
     * @return this
     */
    public Fallback addListener(ResilienceListener listener) {
        listeners.add(listener);
        return this;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        Handler<?> handler = byMethod.forCall(call, otherwise);
        CompletableFuture<Object> inner = next.proceed(call);
        if (handler == null) {
            return inner;
        }
        Handler<?> h = handler;
        CompletableFuture<Object> out = new CompletableFuture<>();
        inner.whenComplete((value, failure) -> {
            if (failure == null) {
                out.complete(value);
                return;
            }
            Throwable error = FailurePolicy.unwrap(failure);
            if (FailurePolicy.isCancellation(error) || !when.isFailure(error)) {
                out.completeExceptionally(error);
                return;
            }
            listeners.fire(ResilienceListener.Event.FALLBACK_TAKEN, call);
            try {
                Object r = h.apply(call, asCourier(call, error));
                if (r instanceof CompletionStage<?> stage && call.method().shape() == MethodDescriptor.Shape.ASYNC) {
                    stage.whenComplete((v, f) -> {
                        if (f == null) {
                            out.complete(v);
                        } else {
                            out.completeExceptionally(FailurePolicy.unwrap(f));
                        }
                    });
                } else {
                    out.complete(r);
                }
            } catch (RuntimeException | Error e) {
                e.addSuppressed(error); // keep what the fallback was answering
                out.completeExceptionally(e);
            }
        });
        out.whenComplete((v, f) -> {
            if (out.isCancelled()) {
                inner.cancel(true);
            }
        });
        return out;
    }

    private static CourierException asCourier(Call call, Throwable error) {
        return error instanceof CourierException c ? c
                : new InternalException(call.method().fullName() + " failed in the client: " + error);
    }

    /** Configures a {@link Fallback}. Not thread-safe. */
    public static final class Builder {
        private MethodOverrides<Handler<?>> byMethod = MethodOverrides.none();
        private Handler<?> otherwise;
        private FailurePolicy when = FailurePolicy.byStatus();

        private Builder() {
        }

        /**
         * A handler for the method that {@code selector} calls on a stand-in of {@code contract}
         * (arguments do not matter): {@code s -> s.level(0L)}.
         */
        public <T, R> Builder on(Class<T> contract, Function<? super T, R> selector, Handler<? extends R> handler) {
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(handler, "handler");
            byMethod = byMethod.with(contract, selector::apply, handler);
            return this;
        }

        /** A handler for the {@code void} method that {@code selector} calls: {@code s -> s.reserve(0L, 0)}. */
        public <T> Builder onVoid(Class<T> contract, Consumer<? super T> selector, VoidHandler handler) {
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(handler, "handler");
            byMethod = byMethod.with(contract, selector, (Handler<Object>) (call, error) -> {
                handler.apply(call, error);
                return null;
            });
            return this;
        }

        /** The handler for methods without their own. */
        public Builder otherwise(Handler<?> handler) {
            this.otherwise = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Which errors fall back (the others reach the caller). */
        public Builder when(FailurePolicy policy) {
            this.when = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The fallback. */
        public Fallback build() {
            return new Fallback(this);
        }
    }
}
