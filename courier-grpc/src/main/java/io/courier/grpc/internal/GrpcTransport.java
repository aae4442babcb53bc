package io.courier.grpc.internal;

import io.courier.Tls;
import io.courier.grpc.MessageFormat;
import io.courier.http.Cors;
import io.courier.http.ServerLimits;
import io.courier.http.internal.port.ServerPort;
import io.courier.http.internal.vertx.SharedVertx;
import io.courier.internal.TlsMaterial;
import io.courier.spi.ClientTransport;
import io.courier.spi.ServerTransport;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The gRPC transport of one {@code Courier}: a Vert.x instance shared by its server and its
 * client, and virtual threads for decoding, encoding and streams. Its server answers on the
 * REST port when the same {@code Courier} serves REST too, else on a port of its own, served by
 * {@code courier-http}'s server alone ({@link ServerPort}), where routes that allow it (the
 * scrape and probes) answer too.
 */
public final class GrpcTransport implements Transport, ServerPort.Owner {
    /** The transport's name, also the scheme of its targets. */
    public static final String NAME = "grpc";
    /** The scheme of targets reached over TLS. */
    public static final String TLS_SCHEME = "grpcs";

    /**
     * Unary messages up to this size are decoded on the event loop: decoding them costs less
     * than moving to another thread. Larger ones are decoded on a virtual thread.
     */
    static final int INLINE_MESSAGE_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final ExecutorService workers;
    private final GrpcServerTransport server;
    private final GrpcClientTransport client;

    public GrpcTransport(TransportContext context, List<MessageFormat> formats, boolean preferJson,
                         ServerLimits limits, Optional<Cors> cors) {
        this.vertx = SharedVertx.of(context);
        this.workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("courier-grpc-", 0).factory());
        Formats f = new Formats(context.codecs(), formats, context.limits());
        // Read now, so a missing or mismatched file fails the Courier's build, not its first call.
        TlsMaterial tls = TlsMaterial.load(context.tls().orElseGet(() -> Tls.builder().build()));
        this.server = new GrpcServerTransport(vertx, context, f, workers, tls, limits, cors);
        this.client = new GrpcClientTransport(vertx, f, preferJson, context.limits().maxBodyBytes(), workers,
                context.clock(), context.tls().orElse(null), tls);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> schemes() {
        return Set.of(NAME, TLS_SCHEME);
    }

    @Override
    public ClientTransport client() {
        return client;
    }

    @Override
    public Optional<ServerTransport> server() {
        return Optional.of(server);
    }

    /** With the REST transport serving too, answer on its port rather than on one of our own. */
    @Override
    public void peers(List<Transport> transports) {
        RestPort.attach(transports, server).ifPresent(server::shareWith);
    }

    /** The port gRPC answers on alone, for the routes that serve there too; empty when it shares the REST port. */
    @Override
    public Optional<ServerPort> ownPort() {
        return server.ownPort();
    }

    @Override
    public void close() {
        client.close();
        workers.shutdownNow();
        // The Vert.x is the Courier's, shared with REST: the Courier closes it after both.
    }
}
