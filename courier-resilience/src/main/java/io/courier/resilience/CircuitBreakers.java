package io.courier.resilience;

import io.courier.Call;
import io.courier.Interceptor;
import io.courier.discovery.EndpointHealth;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One {@link CircuitBreaker} per endpoint, created on first use from a template and keyed by
 * the call's {@linkplain Call#target() target}: a failing instance is shut off while its
 * healthy siblings keep taking calls, and a load balancer can ask {@link #state(URI)} to stop
 * picking an open endpoint. Endpoints that left discovery are dropped with
 * {@link #retainOnly(Collection)} or {@link #remove(URI)}, so the registry does not grow with
 * every instance ever seen.
 *
 * <pre>{@code
 * CircuitBreakers perEndpoint = CircuitBreakers.of(CircuitBreaker.builder("endpoint").minimumCalls(10));
 * ...
 * resolver.onChange(endpoints -> perEndpoint.retainOnly(endpoints));
 * }</pre>
 *
 * <p>{@link Resilience#applyTo} does this wiring for a client: the breakers run per attempt
 * after the endpoint is picked, {@link #health()} makes the load balancer skip open endpoints,
 * and the endpoints discovery lists are retained.
 *
 * <p>Each breaker is named after its endpoint's URI. Calls without a target pass through.
 * Thread-safe; finding the breaker of a known endpoint is one concurrent-map read.
 */
public final class CircuitBreakers implements Interceptor {
    private final CircuitBreakerBuilder template;
    private final Map<URI, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final List<CircuitBreaker.Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<ResilienceListener> eventListeners = new CopyOnWriteArrayList<>();

    private CircuitBreakers(CircuitBreakerBuilder template) {
        this.template = template.copy().listener(this::publish);
    }

    /** A registry whose breakers are configured as {@code template} (copied; its name is replaced). */
    public static CircuitBreakers of(CircuitBreakerBuilder template) {
        return new CircuitBreakers(Objects.requireNonNull(template, "template"));
    }

    /** A registry of breakers with the default configuration. */
    public static CircuitBreakers ofDefaults() {
        return of(CircuitBreaker.builder("endpoint"));
    }

    /** The breaker of {@code endpoint}, created closed if there is none yet. */
    public CircuitBreaker forEndpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        CircuitBreaker b = breakers.get(endpoint); // the common case, without computeIfAbsent's lock
        return b != null ? b : breakers.computeIfAbsent(endpoint, e -> {
            CircuitBreaker created = template.copy().name(e.toString()).build();
            eventListeners.forEach(created::addListener);
            return created;
        });
    }

    /**
     * Ejects an endpoint while its breaker would refuse a call: open, or half-open with every
     * trial call taken. For {@code ClientBuilder.endpointHealth}, so that the load balancer picks
     * the other endpoints (outlier ejection); once the wait in open is over, the endpoint is
     * offered again for its trial calls.
     */
    public EndpointHealth health() {
        return uri -> {
            CircuitBreaker b = breakers.get(uri);
            return b != null && !b.isCallPermitted();
        };
    }

    /** The state of {@code endpoint}'s breaker; closed for an endpoint never called. */
    public CircuitBreaker.State state(URI endpoint) {
        CircuitBreaker b = breakers.get(Objects.requireNonNull(endpoint, "endpoint"));
        return b == null ? CircuitBreaker.State.CLOSED : b.state();
    }

    /** The breaker of {@code endpoint}, if it has one. */
    public Optional<CircuitBreaker> find(URI endpoint) {
        return Optional.ofNullable(breakers.get(Objects.requireNonNull(endpoint, "endpoint")));
    }

    /** Drops the breakers of every endpoint not in {@code endpoints} (the ones discovery still lists). */
    public void retainOnly(Collection<URI> endpoints) {
        Set<URI> keep = Set.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
        breakers.keySet().removeIf(uri -> !keep.contains(uri));
    }

    /** Drops the breaker of {@code endpoint}; true if there was one. */
    public boolean remove(URI endpoint) {
        return breakers.remove(Objects.requireNonNull(endpoint, "endpoint")) != null;
    }

    /** A snapshot of the breakers by endpoint. */
    public Map<URI, CircuitBreaker> breakers() {
        return Map.copyOf(breakers);
    }

    /**
     * Tells {@code listener} of every change of state of every breaker of this registry, those
     * created later included; {@link CircuitBreaker.Transition#breaker()} is the endpoint's URI.
     * For metrics and logs: the listener runs on the thread whose call caused the change, so it
     * must be fast and must not block.
     *
     * <pre>{@code
     * breakers.addListener(t -> log.warn("endpoint {}: {} -> {}", t.breaker(), t.from(), t.to()));
     * }</pre>
     */
    public void addListener(CircuitBreaker.Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Tells {@code listener} of the calls every breaker of this registry refuses
     * ({@link ResilienceListener.Event#BREAKER_OPEN}), those created later included.
     */
    public synchronized void addListener(ResilienceListener listener) {
        eventListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
        breakers.values().forEach(b -> b.addListener(listener));
    }

    private void publish(CircuitBreaker.Transition t) {
        for (CircuitBreaker.Listener l : listeners) {
            l.onTransition(t);
        }
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        URI target = call.target();
        return target == null ? next.proceed(call) : forEndpoint(target).intercept(call, next);
    }

    @Override
    public String toString() {
        return "CircuitBreakers" + breakers.values();
    }
}
