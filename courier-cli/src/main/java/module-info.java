/**
 * The {@code courier} command line, on picocli: an application module (it holds the main
 * class), never a dependency of a service.
 */
module io.courier.cli {
    requires io.courier.discovery;
    requires io.courier.zookeeper;
    requires io.courier.kafka;
    requires io.courier.rabbitmq;
    requires kafka.clients;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires io.vertx.core; // call --transport grpc: HTTP/2 with trailers
    requires io.courier.grpc; // and courier-grpc's reading of the status and Courier's error trailers
    requires info.picocli;
    // contract export and check.
    requires io.courier.contracts;
    requires io.courier.http;
    requires io.courier.messaging;
    uses io.courier.spi.ContractExporter;

    // picocli reads the command classes' annotations and sets their fields reflectively.
    opens io.courier.cli to info.picocli;
}
