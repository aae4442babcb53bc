package io.courier.discovery.balancer;

import io.courier.Call;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Smooth weighted round robin: every pick adds each candidate's weight to its running score,
 * takes the highest, and takes the total off the winner, which spreads a heavy endpoint's
 * turns evenly. Picks take a short lock.
 */
final class WeightedRoundRobin implements LoadBalancer {
    private final Map<URI, long[]> current = new HashMap<>();

    @Override
    public synchronized Endpoint pick(List<Endpoint> candidates, Call call) {
        Endpoint best = null;
        long[] bestScore = null;
        long total = 0;
        for (Endpoint e : candidates) {
            long[] score = current.computeIfAbsent(e.uri(), u -> new long[1]);
            score[0] += e.weight();
            total += e.weight();
            if (bestScore == null || score[0] > bestScore[0]) {
                best = e;
                bestScore = score;
            }
        }
        bestScore[0] -= total;
        return best;
    }

    @Override
    public synchronized void onEndpoints(List<Endpoint> endpoints) {
        Set<URI> keep = endpoints.stream().map(Endpoint::uri).collect(Collectors.toSet());
        current.keySet().retainAll(keep);
    }

    @Override
    public String toString() {
        return "WeightedRoundRobin";
    }
}
