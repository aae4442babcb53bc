/**
 * Courier messaging: the asynchronous interaction styles (one-way notification, async
 * request/response, publish/subscribe, publish/async responses) over one message envelope and
 * a small broker SPI, with an in-memory broker for one JVM and for tests.
 */
module io.courier.messaging {
    requires transitive io.courier.core;

    exports io.courier.messaging;
    exports io.courier.messaging.spi;
    exports io.courier.messaging.inmemory;

    uses io.courier.spi.Codec;
}
