package io.courier.internal;

import io.courier.Call;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The load balancer of last resort, when none is set or found: each endpoint in turn. Thread-safe. */
public final class RoundRobinBalancer implements LoadBalancer {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Endpoint pick(List<Endpoint> candidates, Call call) {
        return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }
}
