package io.courier.http.internal;

import io.courier.Call;
import io.courier.InvalidArgumentException;
import io.courier.UnavailableException;
import io.courier.UnimplementedException;
import io.courier.contract.MethodDescriptor;
import io.courier.http.internal.vertx.VertxTls;
import io.courier.internal.PeerLossLog;
import io.courier.internal.TlsMaterial;
import io.courier.spi.ClientTransport;
import io.courier.spi.Codec;
import io.courier.spi.TransportContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST client: one pooled Vert.x HTTP client for {@code http} targets (HTTP/1.1, keep-alive)
 * and one for {@code h2c} targets (HTTP/2 with prior knowledge, multiplexed), shared by every
 * client proxy of the {@code Courier}.
 */
final class HttpClientTransport implements ClientTransport {
    private static final Logger log = LoggerFactory.getLogger(HttpClientTransport.class);
    /** Keep-alive connections per HTTP/1.1 endpoint: enough for hundreds of calls in flight. */
    private static final int HTTP1_CONNECTIONS = 64;
    /** HTTP/2 connections per endpoint, each carrying up to the server's stream limit. */
    private static final int HTTP2_CONNECTIONS = 2;
    /** The largest response body accepted: generous, since the server chose to send it. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    private final TransportContext context;
    private final Executor offload;
    private final HttpClientAgent http1;
    private final HttpClientAgent h2c;
    /** Where each endpoint's calls start, so that no connection reads before it is watched. */
    private final ClientLoops loops;
    /** TLS pools ({@code https}: HTTP/1.1, {@code h2}: HTTP/2 by ALPN), made on first use. */
    private final Vertx vertx;
    private final TlsMaterial tls;
    private volatile HttpClientAgent https;
    private volatile HttpClientAgent h2;
    private HttpClientOptions httpsOptions;
    private HttpClientOptions h2Options;
    /** Follows the client certificate's PEM files once a TLS pool exists; null without files to watch. */
    private io.courier.internal.TlsWatcher tlsWatcher;
    private boolean watching;
    private boolean closed;
    private final ConcurrentMap<MethodDescriptor, ClientRoute> routes = new ConcurrentHashMap<>();
    private final PeerLossLog peers = new PeerLossLog(log, "failing its calls as UNAVAILABLE"
            + " (those not yet sent marked safe to retry on another instance)");

    HttpClientTransport(Vertx vertx, TransportContext context, Executor offload, TlsMaterial tls) {
        this.vertx = vertx;
        this.tls = tls;
        this.context = context;
        this.offload = offload;
        this.loops = new ClientLoops(vertx, context.eventLoops());
        this.http1 = vertx.httpClientBuilder()
                .with(new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_1_1)
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setDecompressionSupported(false))
                .with(new PoolOptions().setHttp1MaxSize(HTTP1_CONNECTIONS))
                .withConnectHandler(HttpClientTransport::watch)
                .build();
        this.h2c = vertx.httpClientBuilder()
                .with(new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_2)
                        .setHttp2ClearTextUpgrade(false)
                        .setTcpNoDelay(true)
                        .setDecompressionSupported(false))
                .with(new PoolOptions().setHttp2MaxSize(HTTP2_CONNECTIONS))
                .withConnectHandler(HttpClientTransport::watch)
                .build();
    }

    @Override
    public CompletableFuture<Object> call(Call call) {
        String scheme = call.target().getScheme();
        HttpClientAgent client;
        try {
            client = switch (scheme == null ? "" : scheme) {
                case "h2c" -> h2c;
                case "http" -> http1;
                case "https" -> tlsClient(false);
                case "h2" -> tlsClient(true);
                default -> null;
            };
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (client == null) {
            return CompletableFuture.failedFuture(new InvalidArgumentException("target: " + call.target()
                    + " (expected: an http://, h2c://, https:// or h2:// URI)"));
        }
        if (call.method().streaming() != MethodDescriptor.Streaming.NONE) {
            return CompletableFuture.failedFuture(new UnimplementedException(Route.streamingRefusal(call.method())));
        }
        ClientRoute route = routes.computeIfAbsent(call.method(), ClientRoute::new);
        try {
            return new ClientExchange(call, route, client, loops, codecFor(call), context, offload, peers).start();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A connection's failure reaches each call on it, which reports it to {@link #peers}; without
     * this handler Vert.x would also log it as an unhandled error. Set before the connection
     * reads anything, since each call starts on its endpoint's loop ({@link ClientLoops}).
     */
    private static void watch(HttpConnection connection) {
        connection.exceptionHandler(failure -> log.debug("connection to {} failed: {}", connection.remoteAddress(),
                failure.toString()));
    }

    /** The codec the call's metadata asks for with {@code content-type}, else JSON, else the default. */
    private Codec codecFor(Call call) {
        String chosen = call.context().metadata().get("content-type").orElse(null);
        if (chosen != null) {
            return context.codecs().require(chosen);
        }
        return context.codecs().forContentType("application/json")
                .or(() -> context.codecs().defaultCodec())
                .orElseGet(() -> context.codecs().require("application/json")); // throws, naming what to add
    }

    /** The TLS pool for HTTP/2 ({@code h2}, negotiated by ALPN) or HTTP/1.1 ({@code https}), made on first use. */
    private HttpClientAgent tlsClient(boolean http2) {
        HttpClientAgent made = http2 ? h2 : https;
        return made != null ? made : makeTlsClient(http2); // no lock once made: every call passes here
    }

    private synchronized HttpClientAgent makeTlsClient(boolean http2) {
        if (closed) {
            throw new UnavailableException("REST client: closed (expected: calls before the Courier closes)");
        }
        if (http2 ? h2 == null : https == null) {
            HttpClientOptions options = http2
                    ? new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true)
                    : new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true);
            options.setTcpNoDelay(true).setDecompressionSupported(false);
            VertxTls.client(options, context.tls().orElse(null), tls);
            HttpClientAgent agent = vertx.httpClientBuilder()
                    .with(options)
                    .with(http2 ? new PoolOptions().setHttp2MaxSize(HTTP2_CONNECTIONS)
                            : new PoolOptions().setHttp1MaxSize(HTTP1_CONNECTIONS))
                    .withConnectHandler(HttpClientTransport::watch)
                    .build();
            if (http2) {
                h2 = agent;
                h2Options = options;
            } else {
                https = agent;
                httpsOptions = options;
            }
            if (!watching && context.tls().isPresent()) {
                watching = true;
                tlsWatcher = io.courier.internal.TlsWatcher.start(context.tls().get(), context.clock(), "REST client",
                        this::reload);
            }
        }
        return http2 ? h2 : https;
    }

    /**
     * New connections of both TLS pools use {@code material} from now on; open ones keep theirs.
     * A new SSL context, not only new keys, so that no session is resumed under the old
     * certificate.
     */
    private synchronized void reload(TlsMaterial material) {
        if (closed) {
            return;
        }
        if (https != null) {
            https.updateSSLOptions(VertxTls.reloaded(httpsOptions, material), true);
        }
        if (h2 != null) {
            h2.updateSSLOptions(VertxTls.reloaded(h2Options, material), true);
        }
    }

    /** Starts closing the pools; closing the Vert.x instance afterwards waits for them. */
    void close() {
        http1.close();
        h2c.close();
        synchronized (this) {
            closed = true;
            if (https != null) {
                https.close();
            }
            if (h2 != null) {
                h2.close();
            }
            if (tlsWatcher != null) {
                tlsWatcher.close();
            }
        }
    }
}
