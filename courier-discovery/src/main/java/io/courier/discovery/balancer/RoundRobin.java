package io.courier.discovery.balancer;

import io.courier.Call;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each endpoint in turn; lock-free. */
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
