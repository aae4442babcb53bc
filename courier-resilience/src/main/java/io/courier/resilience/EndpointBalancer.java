package io.courier.resilience;

import io.courier.Call;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The load balancer {@link Resilience#applyTo} gives a client: the client's own balancer, with
 * what the resilience policies know added around it.
 * <ul>
 *   <li>A retry or a hedge goes to an endpoint this logical call has not tried yet, while there
 *       is one ({@link AttemptedEndpoints}).</li>
 *   <li>A half-open endpoint with a trial call left gets the call, so that its trials run as
 *       soon as its wait is over and decide at once whether it comes back. The balancer's own
 *       statistics, which remember the failures that opened it, would keep it out for long.</li>
 *   <li>When a breaker closes after its trials, the balancer forgets the endpoint's statistics
 *       (it is told the endpoint left and came back), so it takes its share again.</li>
 *   <li>The endpoints discovery lists keep their breakers; the others' are dropped.</li>
 * </ul>
 * Open endpoints are not here: the client's {@code EndpointHealth} ({@link CircuitBreakers#health()})
 * removes them from the candidates before {@link #pick} is asked. Thread-safe.
 */
final class EndpointBalancer implements LoadBalancer {
    private final LoadBalancer delegate;
    private final CircuitBreakers breakers;
    private final AttemptedEndpoints attempted;
    private final Runnable endpointsChanged;
    private volatile List<Endpoint> endpoints = List.of();

    EndpointBalancer(LoadBalancer delegate, CircuitBreakers breakers, AttemptedEndpoints attempted,
                     Runnable endpointsChanged) {
        this.delegate = delegate;
        this.breakers = breakers;
        this.attempted = attempted;
        this.endpointsChanged = endpointsChanged;
        if (breakers != null) {
            breakers.addListener(this::onTransition);
        }
    }

    /** The endpoints discovery listed last. */
    List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public Endpoint pick(List<Endpoint> candidates, Call call) {
        Set<URI> tried = attempted.of(call);
        List<Endpoint> fresh = candidates;
        if (tried != null && !tried.isEmpty()) {
            fresh = untried(candidates, tried);
            if (fresh.isEmpty()) {
                fresh = candidates; // tried them all: any of them again rather than none
            }
        }
        Endpoint chosen = trialFor(fresh);
        if (chosen == null) {
            chosen = delegate.pick(fresh, call);
        }
        if (tried != null) {
            tried.add(chosen.uri());
        }
        return chosen;
    }

    private static List<Endpoint> untried(List<Endpoint> candidates, Set<URI> tried) {
        List<Endpoint> out = new ArrayList<>(candidates.size());
        for (Endpoint e : candidates) {
            if (!tried.contains(e.uri())) {
                out.add(e);
            }
        }
        return out;
    }

    /** A half-open endpoint with a trial call left, if there is one. */
    private Endpoint trialFor(List<Endpoint> candidates) {
        if (breakers == null) {
            return null;
        }
        for (Endpoint e : candidates) {
            CircuitBreaker b = breakers.find(e.uri()).orElse(null);
            if (b != null && b.state() == CircuitBreaker.State.HALF_OPEN && b.isCallPermitted()) {
                return e;
            }
        }
        return null;
    }

    @Override
    public void onStart(Endpoint endpoint) {
        delegate.onStart(endpoint);
    }

    @Override
    public void onEnd(Endpoint endpoint, long latencyNanos, Throwable failure) {
        delegate.onEnd(endpoint, latencyNanos, failure);
    }

    @Override
    public void onEndpoints(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        endpointsChanged.run();
        delegate.onEndpoints(endpoints);
    }

    private void onTransition(CircuitBreaker.Transition t) {
        if (t.from() != CircuitBreaker.State.HALF_OPEN || t.to() != CircuitBreaker.State.CLOSED) {
            return;
        }
        List<Endpoint> now = endpoints;
        List<Endpoint> without = new ArrayList<>(now.size());
        for (Endpoint e : now) {
            if (!e.uri().toString().equals(t.breaker())) {
                without.add(e);
            }
        }
        if (without.size() < now.size()) {
            delegate.onEndpoints(without); // the statistics of a re-admitted endpoint start afresh
            delegate.onEndpoints(now);
        }
    }

    @Override
    public String toString() {
        return "EndpointBalancer[" + delegate + "]";
    }
}
