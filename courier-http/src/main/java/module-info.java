/**
 * The REST transport on Vert.x: serves contracts over HTTP/1.1 and HTTP/2 cleartext on one
 * port and calls them with a pooled client, with JSON bodies by default and RFC 9457 problem
 * bodies for errors. Found by {@code Courier} through {@link java.util.ServiceLoader}.
 */
module io.courier.http {
    requires transitive io.courier.core;
    requires io.courier.json;
    // The OpenAPI description, written as JSON and YAML.
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    // Transitive: HttpRequestRouter hands over Vert.x requests.
    requires transitive io.vertx.core;
    // Only to tell which of Netty's decoding failures refused a request (431 or 414).
    requires io.netty.codec;
    requires io.netty.codec.http;
    // Vert.x's transport SPI: a cleartext server's connections timed from their accept, and
    // requests decoded by a decoder that refuses a length and chunks together.
    requires io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.handler;
    // Only to tell that a connection speaks HTTP/2, for the bound on its header blocks' frames.
    requires io.netty.codec.http2;

    exports io.courier.http;
    // The problem body is read and written by Jackson.
    opens io.courier.http.internal to com.fasterxml.jackson.databind;
    // The Prometheus text reader of the console and the command line; not a public API.
    exports io.courier.http.internal.prometheus to io.courier.console, io.courier.cli;
    // The Courier's one Vert.x, whichever of the HTTP and gRPC transports creates it; not a public API.
    exports io.courier.http.internal.vertx to io.courier.grpc;
    // courier-http's server alone, for gRPC served on a port of its own; not a public API.
    exports io.courier.http.internal.port to io.courier.grpc;

    // The schema files served at /contracts/ (courier-protobuf's .proto, courier-avro's .avsc).
    uses io.courier.spi.ContractExporter;

    provides io.courier.spi.TransportFactory with io.courier.http.HttpTransportFactory;
}
