package io.courier.resilience;

import io.courier.Call;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The balancer {@link Resilience#applyTo} uses when none is given and none is on the class path. */
final class RoundRobin implements LoadBalancer {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Endpoint pick(List<Endpoint> candidates, Call call) {
        return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }

    @Override
    public String toString() {
        return "RoundRobin";
    }
}
