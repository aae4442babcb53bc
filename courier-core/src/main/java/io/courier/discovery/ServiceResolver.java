package io.courier.discovery;

import java.util.List;

/**
 * Where clients learn which instances of a service exist: the read side of discovery.
 * Implementations must be thread-safe and call a listener from one thread at a time.
 *
 * <pre>{@code
 * try (ServiceResolver.Watch w = resolver.watch("inventory", new ServiceResolver.Listener() {
 *         public void onInstances(List<ServiceInstance> instances) { ... }
 *         public void onError(Throwable error) { ... }
 *     })) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Most code uses a {@link ServiceView} instead, which keeps the last known instances when
 * the registry cannot be reached.
 */
public interface ServiceResolver {
    /**
     * Starts watching {@code service}: the listener soon gets the current instances (or an
     * error), then every change, until the watch is closed.
     */
    Watch watch(String service, Listener listener);

    /** Receives what a resolver learns about one service. */
    interface Listener {
        /**
         * The complete current list of the service's instances (possibly empty: none is
         * registered). Never called to report a failure: that is {@link #onError}.
         */
        void onInstances(List<ServiceInstance> instances);

        /** The registry could not be read; what was known before may still be true. */
        void onError(Throwable error);
    }

    /** A running watch; closing it stops the notifications. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
