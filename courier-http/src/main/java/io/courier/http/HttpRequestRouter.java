package io.courier.http;

import io.courier.http.internal.HttpTransport;
import io.courier.spi.ServerTransport;
import io.courier.spi.Transport;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * Requests on the REST port that another transport of the same {@code Courier} answers
 * instead: {@code courier-grpc} takes those whose {@code content-type} is
 * {@code application/grpc*}, so that REST, gRPC and gRPC-Web share one port. The REST server
 * asks its routers, in the order they were attached, before it routes a request to a contract;
 * the first that accepts it handles it. Implementations must be thread-safe.
 *
 * <p>A transport attaches its router when the {@code Courier} shows it its peers:
 *
 * <pre>{@code
 * public void peers(List<Transport> transports) {
 *     transports.forEach(t -> HttpRequestRouter.attach(t, myRouter).ifPresent(rest -> shareItsPort(rest)));
 * }
 * }</pre>
 */
public interface HttpRequestRouter {
    /**
     * Whether this router answers {@code request}, judged from its method, URI and headers:
     * called on the event loop with the body not yet read, so it must be quick and not block.
     */
    boolean accepts(HttpServerRequest request);

    /** Answers a request this router accepted; on the event loop, so it must not block. */
    void handle(HttpServerRequest request);

    /**
     * Attaches {@code router} to {@code transport} when it is {@code courier-http}'s.
     *
     * @return the REST server whose port the router now shares (its {@link ServerTransport#localAddress()}
     *         is that port once started), or empty when {@code transport} is another one
     */
    static Optional<ServerTransport> attach(Transport transport, HttpRequestRouter router) {
        Objects.requireNonNull(router, "router");
        if (transport instanceof HttpTransport http) {
            http.route(router);
            return http.server();
        }
        return Optional.empty();
    }
}
