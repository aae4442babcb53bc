package io.courier.discovery;

import java.time.Duration;

/**
 * Where instances announce themselves: the write side of discovery. A serving {@code Courier}
 * registers each service it serves, calls {@link #renew} every {@link #renewInterval()} to keep
 * its lease alive, and deregisters when it closes. Implementations must be thread-safe.
 *
 * <pre>{@code
 * registry.register(instance);           // now resolvable
 * registry.renew(instance);              // periodically: still alive
 * registry.deregister(instance);         // gone
 * }</pre>
 */
public interface ServiceRegistry {
    /**
     * Adds {@code instance}, or replaces the one with the same service and id (to change its
     * health or URIs).
     *
     * @throws io.courier.UnavailableException when the registry cannot be reached
     */
    void register(ServiceInstance instance);

    /**
     * Keeps the lease of {@code instance} alive; adds it again if the registry lost it (an expired
     * lease or session).
     *
     * @throws io.courier.UnavailableException when the registry cannot be reached
     */
    void renew(ServiceInstance instance);

    /** Removes {@code instance}; nothing happens when it is not registered. */
    void deregister(ServiceInstance instance);

    /** How often {@link #renew} should be called; default one second. */
    default Duration renewInterval() {
        return Duration.ofSeconds(1);
    }
}
