package io.courier.http;

import io.vertx.core.http.HttpServerRequest;

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
 *     transports.forEach(t -> HttpTransportFactory.attach(t, myRouter).ifPresent(rest -> shareItsPort(rest)));
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
}
