/**
 * The gRPC transport: every served contract is also a gRPC service (HTTP/2 and gRPC-Web, with
 * Protobuf or JSON messages), with the standard health and reflection services, and clients
 * for {@code grpc://host:port} targets; on the REST port when REST is served too, else on a port
 * of its own served by {@code courier-http}'s server with the same limits.
 * Found by {@link java.util.ServiceLoader}.
 */
module io.courier.grpc {
    requires transitive io.courier.core;
    requires io.vertx.core;
    requires io.vertx.grpc.common;
    requires io.vertx.grpc.server;
    requires com.google.protobuf;
    requires com.fasterxml.jackson.core;
    requires io.courier.protobuf;
    // gRPC answers on a REST server's port: the Courier's, or one serving nothing but gRPC.
    // Transitive: GrpcTransportFactory.Builder takes ServerLimits and Cors.
    requires transitive io.courier.http;

    exports io.courier.grpc;
    // Trailers' readers, for the command line's gRPC calls; not a public API.
    exports io.courier.grpc.internal to io.courier.cli;

    provides io.courier.spi.TransportFactory with io.courier.grpc.GrpcTransportFactory;
}
