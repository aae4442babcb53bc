package io.courier.http.internal;

import io.courier.http.internal.vertx.SharedVertx;
import io.courier.spi.ClientTransport;
import io.courier.spi.ServerTransport;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code Courier}'s REST transport: a Vert.x instance shared by its server and its client,
 * and a virtual-thread executor for decoding and encoding bodies too large to handle on an
 * event loop.
 */
public final class HttpTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
    /** Bodies above this are decoded off the event loop, so one large call does not stall the others. */
    static final int INLINE_BODY_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final ExecutorService offload;
    private final HttpServerTransport server;
    private final HttpClientTransport client;

    public HttpTransport(TransportContext context, ServerSettings settings) {
        this.vertx = SharedVertx.of(context);
        this.offload = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("courier-http-codec-", 0).factory());
        // Read now, so a missing or mismatched file fails the Courier's build, not its first call.
        io.courier.internal.TlsMaterial tls = io.courier.internal.TlsMaterial.load(
                context.tls().orElseGet(() -> io.courier.Tls.builder().build()));
        this.server = new HttpServerTransport(vertx, context, offload, settings, tls);
        this.client = new HttpClientTransport(vertx, context, offload, tls);
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("http", "h2c", "https", "h2");
    }

    @Override
    public ClientTransport client() {
        return client;
    }

    @Override
    public Optional<ServerTransport> server() {
        return Optional.of(server);
    }

    /** Sends the requests {@code router} accepts to it rather than to the contracts' routes. */
    public void route(io.courier.http.HttpRequestRouter router) {
        server.route(router);
    }

    @Override
    public void close() {
        client.close();
        offload.shutdownNow();
        // The Vert.x is the Courier's, shared with gRPC: the Courier closes it after both.
    }
}
