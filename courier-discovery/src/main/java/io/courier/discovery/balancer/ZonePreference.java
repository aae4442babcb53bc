package io.courier.discovery.balancer;

import io.courier.Call;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import java.util.ArrayList;
import java.util.List;

/** Keeps calls in one zone while it has candidates; the inner balancer chooses among them. */
final class ZonePreference implements LoadBalancer {
    private final String zone;
    private final LoadBalancer inner;

    ZonePreference(String zone, LoadBalancer inner) {
        this.zone = zone;
        this.inner = inner;
    }

    @Override
    public Endpoint pick(List<Endpoint> candidates, Call call) {
        List<Endpoint> local = new ArrayList<>(candidates.size());
        for (Endpoint e : candidates) {
            if (zone.equals(e.zone())) {
                local.add(e);
            }
        }
        return inner.pick(local.isEmpty() ? candidates : local, call);
    }

    @Override
    public void onStart(Endpoint endpoint) {
        inner.onStart(endpoint);
    }

    @Override
    public void onEnd(Endpoint endpoint, long latencyNanos, Throwable failure) {
        inner.onEnd(endpoint, latencyNanos, failure);
    }

    @Override
    public void onEndpoints(List<Endpoint> endpoints) {
        inner.onEndpoints(endpoints);
    }

    @Override
    public String toString() {
        return "ZonePreference[" + zone + ", " + inner + "]";
    }
}
