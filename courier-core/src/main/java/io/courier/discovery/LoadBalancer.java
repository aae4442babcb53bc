package io.courier.discovery;

import io.courier.Call;
import java.util.List;

/**
 * Picks the endpoint for each attempt of a call, and learns from how the attempts went.
 * One instance per client (it keeps per-endpoint statistics); must be thread-safe. Found with
 * {@link java.util.ServiceLoader} when a client sets none ({@code courier-discovery} provides
 * power-of-two-choices); a plain round robin otherwise.
 *
 * <pre>{@code
 * courier.client(Inventory.class).loadBalancer(LoadBalancers.roundRobin()).build();
 * }</pre>
 *
 * <p>The caller skips instances that are not {@link ServiceInstance.Health#UP up} and
 * endpoints its {@link EndpointHealth} ejects before asking, unless that would leave none.
 */
public interface LoadBalancer {
    /** One of {@code candidates} (never empty) for {@code call}. */
    Endpoint pick(List<Endpoint> candidates, Call call);

    /** An attempt at {@code endpoint} starts. */
    default void onStart(Endpoint endpoint) {
    }

    /** An attempt at {@code endpoint} ended after {@code latencyNanos}; {@code failure} is null on success. */
    default void onEnd(Endpoint endpoint, long latencyNanos, Throwable failure) {
    }

    /** The endpoints discovery lists now; statistics of the others may be dropped. */
    default void onEndpoints(List<Endpoint> endpoints) {
    }
}
