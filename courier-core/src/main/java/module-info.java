/**
 * Courier's core: the contract model, the {@code Courier} entry point, status and errors, call
 * context, interceptors, the SPIs every transport and codec implements, and the in-process
 * transport. No network dependencies.
 */
module io.courier.core {
    requires transitive org.slf4j;

    exports io.courier;
    exports io.courier.annotation;
    exports io.courier.contract;
    exports io.courier.discovery;
    exports io.courier.spi;
    // For Courier's own transport modules only; not a public API.
    exports io.courier.internal to io.courier.http, io.courier.test, io.courier.grpc, io.courier.messaging,
            io.courier.discovery, io.courier.rabbitmq, io.courier.kafka, io.courier.zookeeper, io.courier.outbox,
            io.courier.cli;

    uses io.courier.spi.Codec;
    uses io.courier.spi.TransportFactory;
    uses io.courier.discovery.Discovery;
    uses io.courier.discovery.LoadBalancer;
}
