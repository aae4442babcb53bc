package io.courier.discovery.balancer;

import io.courier.discovery.LoadBalancer;
import java.util.Objects;

/**
 * The load balancers Courier ships. Each call makes a new one; give each client its own.
 *
 * <pre>{@code
 * courier.client(Inventory.class)
 *     .loadBalancer(LoadBalancers.preferZone("eu-1", LoadBalancers.powerOfTwoChoices()))
 *     .build();
 * }</pre>
 */
public final class LoadBalancers {
    private LoadBalancers() {
    }

    /** Each endpoint in turn. */
    public static LoadBalancer roundRobin() {
        return new RoundRobin();
    }

    /**
     * Endpoints in turn in proportion to their instances' {@code weight} metadata (smooth
     * weighted round robin: weights 5, 1, 1 give a a b a c a a, not a a a a a b c).
     */
    public static LoadBalancer weighted() {
        return new WeightedRoundRobin();
    }

    /**
     * The default: of two endpoints drawn at random, the one with the lower cost, where cost
     * is the latency average (EWMA) times the calls outstanding; see {@link PowerOfTwoChoices}.
     */
    public static LoadBalancer powerOfTwoChoices() {
        return PowerOfTwoChoices.builder().build();
    }

    /**
     * Endpoints in {@code zone} while there are any, the others only when none is left;
     * {@code inner} chooses among them.
     */
    public static LoadBalancer preferZone(String zone, LoadBalancer inner) {
        return new ZonePreference(Objects.requireNonNull(zone, "zone"), Objects.requireNonNull(inner, "inner"));
    }
}
