package io.courier.http;

import io.courier.http.internal.port.ServerPort;
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
 * {@link #handle}s them. Routes made with {@link #HttpRoutes(String, boolean) onGrpcPort} also
 * answer where gRPC is served alone: on its port, a courier-http server with no REST routes.
 */
public abstract class HttpRoutes implements Transport, HttpRequestRouter {
    private final String name;
    private final boolean onGrpcPort;
    private volatile ServerTransport rest;

    /** Routes named {@code name} in logs and errors, served on the REST server only. */
    protected HttpRoutes(String name) {
        this(name, false);
    }

    /**
     * Routes named {@code name} in logs and errors; with {@code onGrpcPort}, served on the port of
     * gRPC served alone ({@code courier-grpc} without a REST transport) when the {@code Courier}
     * has no REST server, under that port's limits and cross-origin policy, and asked before gRPC.
     */
    protected HttpRoutes(String name, boolean onGrpcPort) {
        this.name = Objects.requireNonNull(name, "name");
        this.onGrpcPort = onGrpcPort;
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
     * Attaches to the REST transport among {@code transports}; without one, when made
     * {@code onGrpcPort}, to the port of a transport serving alone on a courier-http server of
     * its own (gRPC's).
     *
     * @throws IllegalStateException when there is none
     */
    @Override
    public final void peers(List<Transport> transports) {
        for (Transport t : transports) {
            HttpTransportFactory.attach(t, this).ifPresent(s -> rest = s);
        }
        if (rest == null && onGrpcPort) {
            for (Transport t : transports) {
                if (rest == null && t instanceof ServerPort.Owner owner) {
                    owner.ownPort().ifPresent(port -> {
                        port.route(this);
                        rest = port.server();
                    });
                }
            }
        }
        if (rest == null) {
            throw new IllegalStateException(name + ": no courier-http transport to serve on (expected:"
                    + " Courier.builder().transport(new HttpTransportFactory()) as well"
                    + (onGrpcPort ? ", or courier-grpc's GrpcTransportFactory serving alone)" : ")"));
        }
    }

    /** The server these routes answer on (the REST server, or gRPC's own port); empty before {@link #peers}. */
    protected final Optional<ServerTransport> restServer() {
        return Optional.ofNullable(rest);
    }

    /** Nothing to release, unless a subclass holds something. */
    @Override
    public void close() {
    }
}
