package io.courier.http;

import io.courier.spi.ClientTransport;
import io.courier.spi.ServerTransport;
import io.courier.spi.Transport;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A transport that only answers some requests on the REST server of the same {@code Courier}:
 * it calls nothing, serves no contract, and attaches itself as an {@link HttpRequestRouter} when
 * the {@code Courier} shows it its peers. The shape of the scrape and health routes, the console
 * and the AsyncAPI document; a subclass says which requests it {@link #accepts} and how it
 * {@link #handle}s them.
 */
public abstract class HttpRoutes implements Transport, HttpRequestRouter {
    private final String name;
    private volatile ServerTransport rest;

    /** Routes named {@code name} in logs and errors. */
    protected HttpRoutes(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Set<String> schemes() {
        return Set.of();
    }

    @Override
    public final ClientTransport client() {
        throw new UnsupportedOperationException(name + " calls nothing (it has no URI scheme)");
    }

    @Override
    public final Optional<ServerTransport> server() {
        return Optional.empty();
    }

    /**
     * Attaches to the REST transport among {@code transports}.
     *
     * @throws IllegalStateException when there is none
     */
    @Override
    public final void peers(List<Transport> transports) {
        for (Transport t : transports) {
            HttpTransportFactory.attach(t, this).ifPresent(s -> rest = s);
        }
        if (rest == null) {
            throw new IllegalStateException(name + ": no courier-http transport to serve on (expected:"
                    + " Courier.builder().transport(new HttpTransportFactory()) as well)");
        }
    }

    /** The REST server these routes answer on; empty before {@link #peers}. */
    protected final Optional<ServerTransport> restServer() {
        return Optional.ofNullable(rest);
    }

    /** Nothing to release, unless a subclass holds something. */
    @Override
    public void close() {
    }
}
