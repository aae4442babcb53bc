package io.courier.spi;

/**
 * Creates a {@link Transport} for one {@code Courier}. Found with {@link java.util.ServiceLoader}
 * ({@code provides io.courier.spi.TransportFactory with ...}) or registered with
 * {@code Courier.builder().transport(...)}.
 */
public interface TransportFactory {
    /** A short name, e.g. {@code http}. */
    String name();

    /** A new transport using the shared settings and codecs of {@code context}. */
    Transport create(TransportContext context);
}
