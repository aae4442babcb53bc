package io.courier.http.internal.port;

import io.courier.http.Cors;
import io.courier.http.HttpRequestRouter;
import io.courier.http.ServerLimits;
import io.courier.http.internal.HttpServerTransport;
import io.courier.http.internal.ServerSettings;
import io.courier.http.internal.vertx.SharedVertx;
import io.courier.internal.TlsMaterial;
import io.courier.spi.ServerTransport;
import io.courier.spi.TransportContext;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * courier-http's server alone, for a transport that answers on a port of its own (gRPC served
 * without REST): the REST server's protection ({@link ServerLimits}, a connection's first request
 * timed from its accept, strict HTTP/1.x decoding, the bound on HTTP/2 header blocks, the write
 * timeout, a {@link Cors} policy), without contract routes and without what the REST transport
 * adds for them: no HTTP client, no executor for large bodies, no OpenAPI, contract files or
 * response compression. A request that an attached {@link HttpRequestRouter} takes (the scrape
 * and probes of courier-observability) goes to it; every other to the owner's handler. Not a
 * public API: exported to courier-grpc only.
 */
public final class ServerPort {
    private final HttpServerTransport server;

    private ServerPort(HttpServerTransport server) {
        this.server = server;
    }

    /**
     * The port's server on the {@code Courier}'s Vert.x, at the context's host and port, not yet
     * listening ({@link ServerTransport#start} binds it); {@code rest} answers the requests no
     * router takes, on the event loop.
     */
    public static ServerPort create(TransportContext context, TlsMaterial tls, ServerLimits limits, Optional<Cors> cors,
                                    Handler<HttpServerRequest> rest) {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(cors, "cors");
        ServerSettings settings = new ServerSettings(cors, false, false, false, limits);
        return new ServerPort(HttpServerTransport.serving(SharedVertx.of(context), context, settings,
                Objects.requireNonNull(tls, "tls"), rest));
    }

    /** The server: started, stopped and asked for its address by the owner. */
    public ServerTransport server() {
        return server;
    }

    /** Sends the requests {@code router} accepts to it, before the owner's handler sees them. */
    public void route(HttpRequestRouter router) {
        server.route(Objects.requireNonNull(router, "router"));
    }

    /**
     * A transport that serves on a {@link ServerPort} of its own when no REST transport shares
     * its port: where {@link io.courier.http.HttpRoutes} that allow it attach without one.
     */
    public interface Owner {
        /**
         * The port this transport answers on alone, made on the first call; empty when it
         * answers on a REST transport's port instead.
         */
        Optional<ServerPort> ownPort();
    }
}
