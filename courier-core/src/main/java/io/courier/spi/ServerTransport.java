package io.courier.spi;

import io.courier.contract.ServiceDescriptor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The server side of a transport: accepts calls, decodes them, hands them to the
 * {@link ServerDispatcher} and writes the answers. Thread-safe.
 */
public interface ServerTransport {
    /** Binds and starts accepting calls; returns once bound. Services may be added before or after. */
    void start(ServerDispatcher dispatcher);

    /** Makes the methods of {@code service} callable. */
    void register(ServiceDescriptor service);

    /** The bound address, once started. */
    InetSocketAddress localAddress();

    /** The URI clients use to reach this server, e.g. {@code http://127.0.0.1:8080}. */
    URI uri();

    /**
     * Stops accepting new calls (they are refused as {@link io.courier.UnavailableException}),
     * lets calls in flight finish for up to {@code grace}, then closes every connection.
     */
    CompletableFuture<Void> stop(Duration grace);
}
