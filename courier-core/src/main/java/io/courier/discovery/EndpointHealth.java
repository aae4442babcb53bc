package io.courier.discovery;

import java.net.URI;

/**
 * What clients observe about an endpoint, as opposed to what the registry says: an ejected
 * endpoint (for example one whose circuit breaker is open) is skipped by the load balancer
 * while others are available. Must be thread-safe and fast: it is asked on every pick.
 *
 * <pre>{@code
 * CircuitBreakers breakers = CircuitBreakers.ofDefaults();
 * courier.client(Inventory.class)
 *     .endpointInterceptor(breakers)
 *     .endpointHealth(uri -> breakers.state(uri) == CircuitBreaker.State.OPEN)
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface EndpointHealth {
    /** Whether calls should avoid {@code endpoint} for now. */
    boolean isEjected(URI endpoint);

    /** Ejects nothing. */
    static EndpointHealth none() {
        return uri -> false;
    }
}
