package io.courier.grpc.internal;

import io.courier.Scheduler;
import io.courier.Call;
import io.courier.Tls;
import io.courier.UnavailableException;
import io.courier.UnimplementedException;
import io.courier.http.internal.vertx.VertxTls;
import io.courier.internal.TlsMaterial;
import io.courier.grpc.MessageCodec;
import io.courier.internal.PeerLossLog;
import io.courier.spi.ClientTransport;
import io.courier.grpc.GrpcNames;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpClient;
import io.vertx.grpc.common.WireFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code grpc://host:port} targets over HTTP/2 cleartext with prior knowledge and
 * {@code grpcs://host:port} targets over TLS, one multiplexed connection pool for each. Sends Protobuf when the method has a Protobuf
 * mapping (and JSON is not preferred), else JSON. Each call speaks gRPC itself on Vert.x's HTTP
 * client ({@link ClientCall}), so that it sees, and refuses at once, every answer that is not
 * well-formed gRPC.
 */
final class GrpcClientTransport implements ClientTransport {
    private static final Logger log = LoggerFactory.getLogger(GrpcClientTransport.class);
    private final Vertx vertx;
    private final HttpClient client;
    /**
     * The event loop of {@link #client}'s connections, and of the TLS clients' on {@link #tlsLoop}:
     * each call's stream is made, written and read on it, whatever thread the call comes from.
     */
    private final Context loop;
    private final Context tlsLoop;
    /** For {@code grpcs} targets: HTTP/2 over TLS by ALPN; made on first use. */
    private final Tls tls;
    private final TlsMaterial tlsMaterial;
    private final int maxMessageBytes;
    private volatile HttpClient tlsClient;
    private HttpClientOptions tlsOptions;
    /** TLS clients replaced after a reload of the TLS files: their open calls finish, then they close with this. */
    private final java.util.List<HttpClient> retired = new java.util.ArrayList<>();
    private io.courier.internal.TlsWatcher tlsWatcher;
    private boolean closed;
    private final Formats formats;
    private final boolean preferJson;
    private final Executor workers;
    private final Scheduler scheduler;
    /** Each method's full rpc name, {@code package.Service/Method}. */
    private final java.util.Map<io.courier.contract.MethodDescriptor, String> rpcNames
            = new java.util.concurrent.ConcurrentHashMap<>();
    private final PeerLossLog peers = new PeerLossLog(log, "failing its calls as UNAVAILABLE"
            + " (those not yet sent marked safe to retry on another instance)");

    GrpcClientTransport(Vertx vertx, Formats formats, boolean preferJson, int maxMessageBytes, Executor workers,
                        Scheduler scheduler, Tls tls, TlsMaterial tlsMaterial) {
        this.vertx = vertx;
        this.tls = tls;
        this.tlsMaterial = tlsMaterial;
        this.maxMessageBytes = maxMessageBytes;
        this.formats = formats;
        this.preferJson = preferJson;
        this.workers = workers;
        this.scheduler = scheduler;
        HttpClientOptions http = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setInitialSettings(new Http2Settings().setInitialWindowSize(1 << 20))
                .setHttp2ConnectionWindowSize(4 << 20);
        this.client = vertx.createHttpClient(http);
        this.loop = ((VertxInternal) vertx).createEventLoopContext();
        this.tlsLoop = ((VertxInternal) vertx).createEventLoopContext();
    }

    @Override
    public CompletableFuture<Object> call(Call call) {
        WireFormat format = WireFormat.JSON;
        Optional<MessageCodec> codec = Optional.empty();
        if (!preferJson) {
            codec = formats.codec(call.service(), call.method(), WireFormat.PROTOBUF);
            format = WireFormat.PROTOBUF;
        }
        if (codec.isEmpty()) {
            codec = formats.codec(call.service(), call.method(), WireFormat.JSON);
            format = WireFormat.JSON;
        }
        if (codec.isEmpty()) {
            return CompletableFuture.failedFuture(new UnimplementedException(Formats.missing(call.method(), format)));
        }
        try {
            boolean tls = GrpcTransport.TLS_SCHEME.equals(call.target().getScheme());
            HttpClient chosen = tls ? tlsClient() : client;
            // The rpc's name is made once per method: building it takes longer than a map lookup.
            String rpc = rpcNames.computeIfAbsent(call.method(), m -> GrpcNames.path(call.service(), m).substring(1));
            return new ClientCall(call, rpc, codec.get(), format, tls ? tlsLoop : loop, chosen, workers, scheduler,
                    peers, maxMessageBytes).start();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A connection's failure reaches each call on it, which reports it to the transport's
     * {@link PeerLossLog}; without a handler Vert.x would also log it as an unhandled error.
     */
    static void watch(HttpConnection connection) {
        connection.exceptionHandler(failure -> log.debug("connection to {} failed: {}", connection.remoteAddress(),
                failure.toString()));
    }

    private HttpClient tlsClient() {
        HttpClient made = tlsClient;
        return made != null ? made : makeTlsClient(); // no lock once made: every call passes here
    }

    private synchronized HttpClient makeTlsClient() {
        if (closed) {
            throw new UnavailableException("gRPC client: closed (expected: calls before the Courier closes)");
        }
        if (tlsClient == null) {
            HttpClientOptions http = new HttpClientOptions()
                    .setProtocolVersion(HttpVersion.HTTP_2)
                    .setUseAlpn(true)
                    .setInitialSettings(new Http2Settings().setInitialWindowSize(1 << 20))
                    .setHttp2ConnectionWindowSize(4 << 20);
            VertxTls.client(http, tls, tlsMaterial);
            tlsOptions = http;
            tlsClient = newClient(http);
            if (tls != null) {
                tlsWatcher = io.courier.internal.TlsWatcher.start(tls, scheduler, "gRPC client", this::reload);
            }
        }
        return tlsClient;
    }

    private HttpClient newClient(HttpClientOptions http) {
        return vertx.createHttpClient(http);
    }

    /**
     * New calls go through a client made with {@code material}; the replaced one keeps its open
     * connections, so that calls under way finish, until this closes.
     */
    private synchronized void reload(TlsMaterial material) {
        if (closed) {
            return;
        }
        HttpClientOptions http = new HttpClientOptions(tlsOptions)
                .setTrustOptions(io.vertx.core.net.TrustOptions.wrap(material.trustManagers()));
        if (material.keyManagers() != null) {
            http.setKeyCertOptions(io.vertx.core.net.KeyCertOptions.wrap(material.keyManagers()));
        }
        retired.add(tlsClient);
        tlsOptions = http;
        tlsClient = newClient(http);
    }

    void close() {
        client.close();
        synchronized (this) {
            closed = true;
            if (tlsClient != null) {
                tlsClient.close();
            }
            retired.forEach(HttpClient::close);
            if (tlsWatcher != null) {
                tlsWatcher.close();
            }
        }
    }
}
