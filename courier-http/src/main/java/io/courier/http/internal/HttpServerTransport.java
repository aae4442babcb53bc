package io.courier.http.internal;

import io.courier.ResourceExhaustedException;
import io.courier.contract.ServiceDescriptor;
import io.courier.http.HttpRequestRouter;
import io.courier.http.internal.vertx.FirstRequestClock;
import io.courier.http.internal.vertx.UnsupportedHttpVersion;
import io.courier.http.internal.vertx.UnsupportedTransferCoding;
import io.courier.http.internal.vertx.VertxTls;
import io.courier.internal.TlsMaterial;
import io.courier.internal.TlsWatcher;
import io.courier.spi.ServerDispatcher;
import io.courier.spi.ServerTransport;
import io.courier.spi.TransportContext;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST server: one Vert.x HTTP server on the configured host and port, speaking HTTP/1.1
 * and HTTP/2 cleartext (prior knowledge and upgrade), with routes from the registered contracts;
 * requests that an attached {@link HttpRequestRouter} accepts go to it instead. Made with a
 * fallback handler it has no contract routes: what no router takes goes to that handler (the
 * server of {@link io.courier.http.internal.port.ServerPort}). Public for that package only; this
 * package is not exported.
 */
public final class HttpServerTransport implements ServerTransport {
    private static final Logger log = LoggerFactory.getLogger(HttpServerTransport.class);

    private final Vertx vertx;
    private final TransportContext context;
    /** Decodes large REST bodies; null with a {@link #fallback}, which serves no contract route. */
    private final Executor offload;
    /** Where requests no router takes go instead of the contract routes; null on the REST transport's server. */
    private final Handler<HttpServerRequest> fallback;
    private final CrossOrigin crossOrigin;
    private final boolean compression;
    private final io.courier.http.ServerLimits limits;
    private final ConnectionGuard guard;
    /** Times a cleartext connection's first request from the accept; null over TLS or with the read timeout off. */
    private final FirstRequestClock firstRequest;
    /** The OpenAPI description at /openapi.json and /openapi.yaml; null when turned off. */
    private final OpenApiEndpoint openApi;
    /** The contracts' schema files at /contracts/; null when turned off. */
    private final ContractFilesEndpoint contractFiles;
    private final Object lock = new Object();
    private volatile RouteTable routes = RouteTable.EMPTY;
    private final List<HttpRequestRouter> routers = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;
    private HttpServer server;
    private ServerDispatcher dispatcher;
    private InetSocketAddress address;
    /** The certificate and trust read from the context's {@code Tls}; used only when it has one. */
    private final TlsMaterial tlsMaterial;
    private TlsWatcher tlsWatcher;

    HttpServerTransport(Vertx vertx, TransportContext context, Executor offload, ServerSettings settings,
                        TlsMaterial tlsMaterial) {
        this(vertx, context, Objects.requireNonNull(offload, "offload"), settings, tlsMaterial, null);
    }

    /**
     * A server with no contract routes, OpenAPI, contract files or compression: requests that
     * no attached router takes go to {@code fallback}, on the event loop.
     */
    public static HttpServerTransport serving(Vertx vertx, TransportContext context, ServerSettings settings,
                                              TlsMaterial tlsMaterial, Handler<HttpServerRequest> fallback) {
        if (settings.openApi() || settings.contracts() || settings.compression()) {
            throw new IllegalArgumentException("settings: " + settings + " (expected: no OpenAPI, contract files or"
                    + " compression on a server with no contract routes)");
        }
        return new HttpServerTransport(vertx, context, null, settings, tlsMaterial,
                Objects.requireNonNull(fallback, "fallback"));
    }

    private HttpServerTransport(Vertx vertx, TransportContext context, Executor offload, ServerSettings settings,
                                TlsMaterial tlsMaterial, Handler<HttpServerRequest> fallback) {
        this.vertx = vertx;
        this.fallback = fallback;
        this.tlsMaterial = tlsMaterial;
        this.context = context;
        this.offload = offload;
        this.crossOrigin = settings.cors().map(CrossOrigin::new).orElse(null);
        this.compression = settings.compression();
        this.limits = settings.limits();
        this.guard = new ConnectionGuard(vertx, limits);
        // Over TLS, Vert.x hands a connection over when its handshake ends, and the guard times it from there.
        this.firstRequest = context.tls().isEmpty() && limits.requestReadTimeout().isPositive()
                ? new FirstRequestClock(limits.requestReadTimeout()) : null;
        this.openApi = settings.openApi() ? new OpenApiEndpoint(context) : null;
        this.contractFiles = settings.contracts() ? new ContractFilesEndpoint() : null;
    }

    @Override
    public void start(ServerDispatcher dispatcher) {
        synchronized (lock) {
            if (server != null) {
                throw new IllegalStateException("HTTP server already started at " + uri());
            }
            this.dispatcher = dispatcher;
            int maxHeaders = context.limits().maxHeaderBytes();
            HttpServerOptions options = new HttpServerOptions()
                    .setHost(context.host())
                    .setPort(context.port())
                    .setHttp2ClearTextEnabled(context.tls().isEmpty())
                    .setMaxHeaderSize(maxHeaders)
                    .setTcpNoDelay(true)
                    .setCompressionSupported(compression)
                    .setCompressionContentSizeThreshold(ServerSettings.COMPRESS_ABOVE)
                    .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, limits.idleTimeout().toMillis()))
                    .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                    .setInitialSettings(new Http2Settings()
                            .setMaxConcurrentStreams(limits.maxConcurrentStreams())
                            .setMaxHeaderListSize(maxHeaders));
            context.tls().ifPresent(tls -> {
                VertxTls.server(options, tls, tlsMaterial);
                // Over TLS, Vert.x hands an HTTP/1.1 connection over as soon as the handshake ends,
                // so the first request head is timed from there; the handshake itself is bounded by
                // the request read timeout too (Vert.x's default, 10 s, when that is longer or off).
                long readMillis = limits.requestReadTimeout().toMillis();
                if (readMillis > 0 && readMillis < options.getSslHandshakeTimeoutUnit().toMillis(options.getSslHandshakeTimeout())) {
                    options.setSslHandshakeTimeout(readMillis).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
                }
            });
            HttpServer created = vertx.createHttpServer(options)
                    .requestHandler(this::handle)
                    .invalidRequestHandler(this::handleInvalid)
                    .connectionHandler(connection -> {
                        if (firstRequest != null) {
                            firstRequest.takenOver(connection);
                        }
                        watch(connection);
                        guard.opened(connection);
                    });
            try {
                // With h2c on, Vert.x hands a cleartext connection over only once its first request
                // head has arrived: until then the clock bound with the server times it.
                Future<HttpServer> listening = firstRequest == null ? created.listen() : firstRequest.binding(created::listen);
                listening.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                if (firstRequest != null && !firstRequest.installed()) {
                    log.warn("HTTP server on port {}: a connection's first request is not timed from its accept, only "
                            + "by idleTimeout (expected: the server bound on the Courier's own Vert.x)", created.actualPort());
                }
            } catch (ExecutionException e) {
                throw new UncheckedIOException(new java.io.IOException("cannot serve HTTP on " + context.host() + ":"
                        + context.port() + ": " + e.getCause().getMessage() + " (expected: a free port on a local address)",
                        e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while binding the HTTP server", e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("binding the HTTP server on " + context.host() + ":" + context.port()
                        + " took over 30 s", e);
            }
            server = created;
            address = new InetSocketAddress(context.host(), created.actualPort());
            context.tls().ifPresent(tls -> tlsWatcher = TlsWatcher.start(tls, context.clock(), "HTTP server at " + uri(),
                    material -> reload(created, tls, material)));
        }
    }

    @Override
    public void register(ServiceDescriptor service) {
        synchronized (lock) {
            routes = routes.with(service);
            if (openApi != null) {
                openApi.register(service);
            }
            if (contractFiles != null) {
                contractFiles.register(service);
            }
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        synchronized (lock) {
            return address;
        }
    }

    @Override
    public URI uri() {
        InetSocketAddress a = localAddress();
        if (a == null) {
            throw new IllegalStateException("HTTP server not started (expected: Courier.serve(...) first)");
        }
        String host = a.getHostString();
        return URI.create((context.tls().isPresent() ? "https://" : "http://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    @Override
    public CompletableFuture<Void> stop(Duration grace) {
        HttpServer s;
        synchronized (lock) {
            stopping = true;
            s = server;
            if (tlsWatcher != null) {
                tlsWatcher.close();
            }
        }
        if (s == null) {
            return CompletableFuture.completedFuture(null);
        }
        // Vert.x stops accepting, lets requests in flight finish (HTTP/2 gets GOAWAY, HTTP/1.1
        // connections close once idle) and closes what is left when the grace period ends.
        return s.shutdown(Math.max(0, grace.toMillis()), TimeUnit.MILLISECONDS)
                .toCompletionStage().toCompletableFuture();
    }

    /** Puts reloaded certificate and trust in place for new handshakes; open connections keep theirs. */
    private static void reload(HttpServer server, io.courier.Tls tls, TlsMaterial material) {
        try {
            server.updateSSLOptions(VertxTls.reloaded(tls, material), true).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("updating the server's TLS options failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while updating the server's TLS options", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("updating the server's TLS options took over 30 s", e);
        }
    }

    /**
     * A connection's failures (a reset by the peer, mostly) are expected: each call on it learns
     * of them through its own stream. Without a handler Vert.x logs each as an unhandled error.
     */
    static void watch(HttpConnection connection) {
        connection.exceptionHandler(failure -> log.debug("connection from {} failed: {}", connection.remoteAddress(),
                failure.toString()));
    }

    /** Sends the requests {@code router} accepts to it, asked after the routers attached before it. */
    public void route(HttpRequestRouter router) {
        routers.add(router);
    }

    private void handle(HttpServerRequest request) {
        if (!guard.request(request)) {
            return; // its connection is closing as one too many
        }
        if (crossOrigin != null && crossOrigin.answered(request)) {
            return;
        }
        if (openApi != null && OpenApiEndpoint.asks(request) && !routed(request)) {
            openApi.answer(request);
            return;
        }
        if (contractFiles != null && ContractFilesEndpoint.asks(request) && !routed(request)) {
            contractFiles.answer(request);
            return;
        }
        for (HttpRequestRouter r : routers) {
            if (r.accepts(request)) {
                r.handle(request);
                return;
            }
        }
        if (fallback != null) {
            fallback.handle(request);
            return;
        }
        new ServerExchange(request, routes, dispatcher, context, offload, stopping, guard).run();
    }

    /**
     * Whether a contract route takes {@code request}: one whose variable is not percent-encoded
     * UTF-8 is, to be refused by the exchange naming it.
     */
    private boolean routed(HttpServerRequest request) {
        try {
            return routes.match(request.method(), request.path()).found();
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** Requests Netty could not decode: oversized headers or request line, or broken syntax. */
    private void handleInvalid(HttpServerRequest request) {
        if (request.version() == null) {
            // The request line names no HTTP version (GET / XHTTP/1.1): an answer would echo that
            // protocol in its status line, which no HTTP client reads. Nothing to say in it.
            request.connection().close();
            return;
        }
        Throwable cause = request.decoderResult().cause();
        int limit = context.limits().maxHeaderBytes();
        if (cause instanceof TooLongHttpHeaderException) {
            ServerExchange.refuse(request, 431, new ResourceExhaustedException("headers: over " + limit
                    + " bytes (expected: at most " + limit + " bytes of request headers)"), guard);
        } else if (cause instanceof UnsupportedHttpVersion) {
            ServerExchange.refuse(request, 505, new io.courier.UnimplementedException(cause.getMessage()), guard);
        } else if (cause instanceof UnsupportedTransferCoding) {
            ServerExchange.refuse(request, 501, new io.courier.UnimplementedException("request: " + cause.getMessage()), guard);
        } else if (cause instanceof TooLongHttpLineException) {
            ServerExchange.refuse(request, 414, new io.courier.InvalidArgumentException(
                    "request line: too long (expected: a method, path and query of at most 4096 bytes)"), guard);
        } else {
            ServerExchange.refuse(request, 400, new io.courier.InvalidArgumentException("request: malformed HTTP ("
                    + (cause == null ? "unreadable" : cause.getMessage()) + ")"), guard);
        }
    }
}
