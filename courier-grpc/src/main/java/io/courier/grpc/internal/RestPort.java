package io.courier.grpc.internal;

import io.courier.http.HttpRequestRouter;
import io.courier.http.HttpTransportFactory;
import io.courier.spi.ServerTransport;
import io.courier.spi.Transport;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;

/**
 * gRPC on a REST server's port: a {@link HttpRequestRouter} that takes the requests whose
 * {@code content-type} is {@code application/grpc*} (gRPC, gRPC-Web and gRPC-Web text) from
 * {@code courier-http}'s server of the same {@code Courier}, or every request from a server that
 * serves gRPC alone, and hands them to the gRPC server.
 */
final class RestPort implements HttpRequestRouter {
    private final GrpcServerTransport grpc;
    /** Whether every request is gRPC's (a port of its own), or only those of a gRPC content type. */
    private final boolean all;

    private RestPort(GrpcServerTransport grpc, boolean all) {
        this.grpc = grpc;
        this.all = all;
    }

    /** Attaches {@code grpc} to the first REST server among {@code transports}; that server, if any. */
    static Optional<ServerTransport> attach(List<Transport> transports, GrpcServerTransport grpc) {
        RestPort router = new RestPort(grpc, false);
        for (Transport t : transports) {
            Optional<ServerTransport> rest = HttpTransportFactory.attach(t, router);
            if (rest.isPresent()) {
                return rest;
            }
        }
        return Optional.empty();
    }

    /**
     * Hands every request of {@code own}'s server, a REST server serving no contract, to
     * {@code grpc}, which answers one of another content type with its own refusal; that server.
     */
    static ServerTransport serveAll(Transport own, GrpcServerTransport grpc) {
        return HttpTransportFactory.attach(own, new RestPort(grpc, true)).orElseThrow(
                () -> new IllegalStateException("gRPC server: " + own.name() + " has no REST server to answer on"));
    }

    @Override
    public boolean accepts(HttpServerRequest request) {
        if (all) {
            return true;
        }
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "application/grpc", 0, "application/grpc".length());
    }

    @Override
    public void handle(HttpServerRequest request) {
        grpc.handler().handle(request);
    }
}
