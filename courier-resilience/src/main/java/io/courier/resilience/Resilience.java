package io.courier.resilience;

import io.courier.Call;
import io.courier.ClientBuilder;
import io.courier.Interceptor;
import io.courier.Interceptors;
import io.courier.Scheduler;
import io.courier.discovery.Endpoint;
import io.courier.discovery.EndpointHealth;
import io.courier.discovery.LoadBalancer;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * The resilience policies of one client, composed in one fixed order, outermost first:
 *
 * <pre>
 * Fallback( Deadline( ServiceBreaker( Retry+Budget( Hedge( pick endpoint -&gt; endpoint breaker -&gt; Bulkhead -&gt; call )))))
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
 * Every part is optional; the ones not set are left out. {@link #applyTo(ClientBuilder)} installs
 * the whole on a client: the steps down to the hedge as client interceptors, the endpoint
 * breakers and the bulkhead as endpoint interceptors (after the client picks the endpoint of an
 * attempt, so each retry and hedge picks again), the breakers as the client's
 * {@code EndpointHealth} (open endpoints are ejected from the load balancer's candidates), and a
 * load balancer that sends retries and hedges to endpoints not tried yet, gives half-open
 * endpoints their trial calls, and drops the breakers of endpoints discovery no longer lists.
 * Courier's own per-attempt deadline and the transport run inside all of it.
 *
 * <p>Settings per method live on the policies: {@link Retry.Builder#method},
 * {@link Hedge.Builder#method}, {@link Bulkhead.Builder#method} and {@link Fallback.Builder#on}.
 * The most specific setting wins: a method's override, else the client's policy. They apply
 * alike through {@code applyTo} and {@code intercept}, and every retry and hedge, overrides
 * included, spends from the one budget of the client's retry.
 *
 * <pre>{@code
 * Resilience resilience = Resilience.builder()
 *     .retry(Retry.builder().maxAttempts(3).build())
 *     .endpointBreakers(CircuitBreakers.ofDefaults())
 *     .bulkhead(Bulkhead.builder("stock").maxConcurrentCalls(64).build())
 *     .fallback(Fallback.of((call, error) -> null))
 *     .build();
 * StockService stock = resilience.applyTo(courier.client(StockService.class)).build();  // discovery:stock
 * }</pre>
 *
 * <p>It is also an {@link Interceptor} running every step, for a client with a fixed target:
 * {@code .interceptor(resilience)}.
 *
 * <p>Thread-safe; build one per client (it holds the client's budget and breakers).
 */
public final class Resilience implements Interceptor {
    private final List<Interceptor> steps;
    private final Interceptor chain;
    private final List<Interceptor> perClient;
    private final List<Interceptor> perEndpoint;
    private final CircuitBreakers endpointBreakers;
    private final AttemptedEndpoints attempted = new AttemptedEndpoints();
    /** The balancers of the clients this was applied to, as long as those clients live. */
    private final Set<EndpointBalancer> balancers = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));
    /** The client builders this was applied to, so that applying again changes nothing. */
    private final Set<ClientBuilder<?>> appliedTo = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    private Resilience(List<Interceptor> perClient, List<Interceptor> perEndpoint, CircuitBreakers endpointBreakers) {
        List<Interceptor> all = new ArrayList<>(perClient);
        all.addAll(perEndpoint);
        this.steps = List.copyOf(all);
        this.chain = Interceptors.chain(steps);
        this.perClient = List.copyOf(perClient);
        this.perEndpoint = List.copyOf(perEndpoint);
        this.endpointBreakers = endpointBreakers;
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

    /**
     * Installs these policies on {@code client}, with the load balancer found on the class path
     * ({@code courier-discovery}'s power-of-two-choices) or else a round robin.
     *
     * @return {@code client}, to go on configuring it
     */
    public <T> ClientBuilder<T> applyTo(ClientBuilder<T> client) {
        return applyTo(client, foundBalancer());
    }

    /**
     * Installs these policies on {@code client}, which picks endpoints with {@code balancer}
     * (one per client: it keeps statistics), in this order:
     * <ul>
     *   <li>{@code interceptor}: fallback, deadline, service breaker, retry and hedge;</li>
     *   <li>{@code endpointInterceptor}: the endpoint's breaker, then the bulkhead;</li>
     *   <li>{@code endpointHealth}: {@link CircuitBreakers#health()}, so open endpoints are skipped;</li>
     *   <li>{@code loadBalancer}: {@code balancer}, with retries and hedges sent to endpoints the
     *       call has not tried yet, trial calls for half-open endpoints, and the breakers of
     *       endpoints that left discovery dropped.</li>
     * </ul>
     * Setting the client's load balancer or endpoint health afterwards replaces these. Applying
     * it again to the same client changes nothing.
     *
     * @return {@code client}, to go on configuring it
     */
    public <T> ClientBuilder<T> applyTo(ClientBuilder<T> client, LoadBalancer balancer) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(balancer, "balancer");
        if (!appliedTo.add(client)) {
            return client; // already installed: a second set of retries would multiply the attempts
        }
        List<Interceptor> outer = new ArrayList<>(perClient);
        outer.add(outerIndexOfAttempts(), attempted);
        Interceptor clientChain = Interceptors.chain(outer);
        Interceptor endpointChain = Interceptors.chain(perEndpoint);
        client.interceptor(new Part("client", outer, clientChain));
        if (!perEndpoint.isEmpty()) {
            client.endpointInterceptor(new Part("endpoint", perEndpoint, endpointChain));
        }
        client.endpointHealth(endpointBreakers != null ? endpointBreakers.health() : EndpointHealth.none());
        EndpointBalancer wrapped = new EndpointBalancer(balancer, endpointBreakers, attempted, this::retainListed);
        balancers.add(wrapped);
        client.loadBalancer(wrapped);
        return client;
    }

    /** Where the tracking of attempted endpoints goes: just above the retry (or the hedge, or the end). */
    private int outerIndexOfAttempts() {
        for (int i = 0; i < perClient.size(); i++) {
            if (perClient.get(i) instanceof Retry || perClient.get(i) instanceof Hedge) {
                return i;
            }
        }
        return perClient.size();
    }

    /** Keeps the breakers of the endpoints discovery lists for the clients this was applied to. */
    private void retainListed() {
        if (endpointBreakers == null) {
            return;
        }
        Set<URI> listed = new HashSet<>();
        synchronized (balancers) {
            for (EndpointBalancer b : balancers) {
                for (Endpoint e : b.endpoints()) {
                    listed.add(e.uri());
                }
            }
        }
        endpointBreakers.retainOnly(listed);
    }

    private static LoadBalancer foundBalancer() {
        return ServiceLoader.load(LoadBalancer.class, Resilience.class.getClassLoader()).findFirst()
                .orElseGet(RoundRobin::new);
    }

    /**
     * Tells {@code listener} of the events of every step this composes: hedges sent, fallbacks
     * taken, calls refused by a full bulkhead or an open breaker (of the service or of an
     * endpoint), retries and hedges the budget did not allow. Steps shared with other clients
     * tell it of those clients' calls too.
     *
     * @return this
     */
    public Resilience addListener(ResilienceListener listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        for (Interceptor step : steps) {
            switch (step) {
                case Retry r -> r.addListener(listener);
                case Hedge h -> h.addListener(listener);
                case Fallback f -> f.addListener(listener);
                case Bulkhead b -> b.addListener(listener);
                case CircuitBreaker b -> b.addListener(listener);
                case CircuitBreakers b -> b.addListener(listener);
                default -> {
                }
            }
        }
        return this;
    }

    /** The breakers per endpoint, if set. */
    public Optional<CircuitBreakers> endpointBreakers() {
        return Optional.ofNullable(endpointBreakers);
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        return chain.intercept(call, next);
    }

    /** The client or the endpoint half of the steps, as {@link #applyTo} installs them. */
    private record Part(String name, List<Interceptor> steps, Interceptor chain) implements Interceptor {
        @Override
        public CompletableFuture<Object> intercept(Call call, Next next) {
            return chain.intercept(call, next);
        }

        @Override
        public String toString() {
            return "Resilience." + name + steps;
        }
    }

    @Override
    public String toString() {
        return "Resilience" + steps;
    }

    /**
     * Configures a {@link Resilience}. Per-method settings are made on the policies given here
     * ({@link Retry.Builder#method}, {@link Hedge.Builder#method}, {@link Bulkhead.Builder#method},
     * {@link Fallback.Builder#on}):
     * the most specific setting wins, a method's override, else the client's policy. Not
     * thread-safe.
     */
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

        /** Hedging; rebuilt, with its method overrides, to spend from the retry's budget. */
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
                steps.add(Interceptors.deadline(scheduler));
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
            List<Interceptor> perEndpoint = new ArrayList<>();
            if (endpointBreakers != null) {
                perEndpoint.add(endpointBreakers);
            }
            if (bulkhead != null) {
                perEndpoint.add(bulkhead);
            }
            return new Resilience(steps, perEndpoint, endpointBreakers);
        }
    }
}
