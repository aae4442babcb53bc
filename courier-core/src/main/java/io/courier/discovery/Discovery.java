package io.courier.discovery;

/**
 * A discovery backend: a {@link ServiceRegistry} and a {@link ServiceResolver} over one store
 * (a shared directory, ZooKeeper, DNS, a static list). Given to
 * {@code Courier.builder().discovery(...)}; without one, the first found with
 * {@link java.util.ServiceLoader} is used ({@code courier-discovery} provides the zero-setup
 * local one; the system property {@code courier.discovery=none} turns that off).
 *
 * <pre>{@code
 * Courier courier = Courier.builder().name("inventory").discovery(LocalDiscovery.create()).build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe. A backend that cannot register (DNS, static) ignores
 * registrations and says so in its Javadoc.
 */
public interface Discovery extends ServiceRegistry, ServiceResolver, AutoCloseable {
    /** A short name for logs and errors, e.g. {@code local} or {@code zookeeper}. */
    String name();

    /** Releases threads and connections; a {@code Courier} closes only the backends it found itself. */
    @Override
    void close();
}
