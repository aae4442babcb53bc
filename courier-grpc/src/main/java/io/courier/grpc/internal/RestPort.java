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
 * {@code courier-http}'s server of the same {@code Courier} and hands them to the gRPC server.
 * On a port of gRPC's own every request no other router takes is gRPC's, without this router.
 */
final class RestPort implements HttpRequestRouter {
    private final GrpcServerTransport grpc;

    private RestPort(GrpcServerTransport grpc) {
        this.grpc = grpc;
    }

    /** Attaches {@code grpc} to the first REST server among {@code transports}; that server, if any. */
    static Optional<ServerTransport> attach(List<Transport> transports, GrpcServerTransport grpc) {
        RestPort router = new RestPort(grpc);
        for (Transport t : transports) {
            Optional<ServerTransport> rest = HttpTransportFactory.attach(t, router);
            if (rest.isPresent()) {
                return rest;
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean accepts(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "application/grpc", 0, "application/grpc".length());
    }

    @Override
    public void handle(HttpServerRequest request) {
        grpc.handler().handle(request);
    }
}
