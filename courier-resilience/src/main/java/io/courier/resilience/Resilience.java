package io.courier.resilience;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.Scheduler;
import io.courier.resilience.internal.Chain;
import io.courier.resilience.internal.DeadlineGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The resilience policies of one client, composed in one fixed order, outermost first:
 *
 * <pre>
 * Fallback( Deadline( ServiceBreaker( Retry+Budget( Hedge( endpoint breaker -&gt; Bulkhead -&gt; call )))))
 * </pre>
 *
 * <ul>
 *   <li>{@link Fallback} is outermost, so it answers for every failure below, deadline and
 *       open breakers included;</li>
 *   <li>the deadline covers every attempt and backoff of the logical call (the call's own
 *       deadline, from the client's {@code deadline(...)} or the incoming call);</li>
 *   <li>the service {@link CircuitBreaker} sees one outcome per logical call, retries
 *       included, and fails fast when every endpoint is down;</li>
 *   <li>{@link Retry} and {@link Hedge} share one {@link RetryBudget}; each attempt and each
 *       hedge goes through the endpoint's breaker ({@link CircuitBreakers}) and then the
 *       {@link Bulkhead}, whose refusals the breakers do not count against the endpoint.</li>
 * </ul>
 * Every part is optional; the ones not set are left out. Add the whole as one client
 * interceptor; Courier's own per-attempt deadline and the transport run inside it.
 *
 * <pre>{@code
 * Resilience resilience = Resilience.builder()
 *     .retry(Retry.builder().maxAttempts(3).build())
 *     .endpointBreakers(CircuitBreakers.ofDefaults())
 *     .bulkhead(Bulkhead.builder("stock").maxConcurrentCalls(64).build())
 *     .fallback(Fallback.of((call, error) -> null))
 *     .build();
 * StockService stock = courier.client(StockService.class).target(uri).interceptor(resilience).build();
 * }</pre>
 *
 * <p>Thread-safe; build one per client (it holds the client's budget and breakers).
 */
public final class Resilience implements Interceptor {
    private final List<Interceptor> steps;
    private final Chain chain;

    private Resilience(List<Interceptor> steps) {
        this.steps = List.copyOf(steps);
        this.chain = new Chain(steps);
    }

    /** A builder with nothing set but the deadline. */
    public static Builder builder() {
        return new Builder();
    }

    /** Retry with a budget and a breaker per endpoint, all with their defaults. */
    public static Resilience ofDefaults() {
        return builder().retry(Retry.ofDefaults()).endpointBreakers(CircuitBreakers.ofDefaults()).build();
    }

    /** The interceptors this composes, outermost first. */
    public List<Interceptor> steps() {
        return steps;
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        return chain.proceed(0, call, next);
    }

    @Override
    public String toString() {
        return "Resilience" + steps;
    }

    /** Configures a {@link Resilience}. Not thread-safe. */
    public static final class Builder {
        private Fallback fallback;
        private boolean deadline = true;
        private Scheduler scheduler = Scheduler.system();
        private CircuitBreaker serviceBreaker;
        private Retry retry;
        private Hedge hedge;
        private CircuitBreakers endpointBreakers;
        private Bulkhead bulkhead;

        private Builder() {
        }

        /** The answer when everything else failed. */
        public Builder fallback(Fallback fallback) {
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        /** Whether to end the logical call at its deadline (default true). */
        public Builder deadline(boolean enforce) {
            this.deadline = enforce;
            return this;
        }

        /** Where the deadline's timer waits (a fake clock, such as courier-test's {@code FakeClock}, in tests). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** A breaker for the service as a whole, judging logical calls. */
        public Builder serviceBreaker(CircuitBreaker breaker) {
            this.serviceBreaker = Objects.requireNonNull(breaker, "breaker");
            return this;
        }

        /** The retry policy and, through it, the client's budget. */
        public Builder retry(Retry retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Hedging; rebuilt to spend from the retry's budget. */
        public Builder hedge(Hedge hedge) {
            this.hedge = Objects.requireNonNull(hedge, "hedge");
            return this;
        }

        /** One breaker per endpoint. */
        public Builder endpointBreakers(CircuitBreakers breakers) {
            this.endpointBreakers = Objects.requireNonNull(breakers, "breakers");
            return this;
        }

        /** The limit of calls in flight. */
        public Builder bulkhead(Bulkhead bulkhead) {
            this.bulkhead = Objects.requireNonNull(bulkhead, "bulkhead");
            return this;
        }

        /** The composed interceptor. */
        public Resilience build() {
            List<Interceptor> steps = new ArrayList<>();
            if (fallback != null) {
                steps.add(fallback);
            }
            if (deadline) {
                steps.add(new DeadlineGuard(scheduler));
            }
            if (serviceBreaker != null) {
                steps.add(serviceBreaker);
            }
            Retry r = retry;
            Hedge h = hedge;
            if (h != null) {
                if (r == null) {
                    // One attempt, but the budget must still see every request for hedges to spend from.
                    r = Retry.builder().maxAttempts(1).budget(h.budget()).build();
                } else if (h.budget() != r.budget()) {
                    h = h.toBuilder().budget(r.budget()).build();
                }
            }
            if (r != null) {
                steps.add(r);
            }
            if (h != null) {
                steps.add(h);
            }
            if (endpointBreakers != null) {
                steps.add(endpointBreakers);
            }
            if (bulkhead != null) {
                steps.add(bulkhead);
            }
            return new Resilience(steps);
        }
    }
}
