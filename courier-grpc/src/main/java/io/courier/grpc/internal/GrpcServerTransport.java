package io.courier.grpc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.courier.UnimplementedException;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.grpc.GrpcNames;
import io.courier.grpc.MessageCodec;
import io.courier.http.Cors;
import io.courier.http.ServerLimits;
import io.courier.http.internal.port.ServerPort;
import io.courier.internal.TlsMaterial;
import io.courier.spi.Readiness;
import io.courier.spi.ServerDispatcher;
import io.courier.spi.ServerTransport;
import io.courier.spi.TransportContext;
import io.courier.spi.WireText;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcProtocol;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every registered contract as a gRPC service on a Vert.x {@link GrpcServer}: HTTP/2
 * cleartext and gRPC-Web (binary and text, HTTP/1.1 or HTTP/2) on one port, plus the health and
 * reflection services. The port is the REST server's when REST is served in the same
 * {@code Courier} ({@link #shareWith}), else one of its own, served by {@code courier-http}'s
 * server alone ({@link ServerPort}: no REST routes, no HTTP client), so under the same
 * {@code ServerLimits}; requests its routers do not take (the scrape and probes) come here.
 */
final class GrpcServerTransport implements ServerTransport {
    private static final Logger log = LoggerFactory.getLogger(GrpcServerTransport.class);

    private final Vertx vertx;
    /** For a port of our own, when no REST server shares its port: its TLS material, limits and policy. */
    private final TlsMaterial tls;
    private final ServerLimits limits;
    private final Optional<Cors> cors;
    private final TransportContext context;
    private final Formats formats;
    private final ExecutorService workers;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, ServiceDescriptor> services = new ConcurrentHashMap<>();
    private final HealthService health;
    private final ContractFiles files = new ContractFiles();
    private final ReflectionService reflection = new ReflectionService(this::describedFiles);
    private volatile ServerDispatcher dispatcher;
    private final GrpcServer grpc;
    /** The REST server whose port gRPC answers on: the Courier's, or one of ours that serves only gRPC. */
    private volatile ServerTransport rest;
    /** The port of our own, made on first need; null when sharing the Courier's REST port (or not yet made). */
    private ServerPort own;
    private volatile boolean stopping;
    private final ThreadLocal<HttpServerRequest> arriving = new ThreadLocal<>();

    /** A served method; {@code what} names its request in errors, made once rather than per call. */
    private record Route(ServiceDescriptor service, MethodDescriptor method, String what) {
        Route(ServiceDescriptor service, MethodDescriptor method) {
            this(service, method, "request of " + method.fullName());
        }
    }

    GrpcServerTransport(Vertx vertx, TransportContext context, Formats formats, ExecutorService workers,
                        TlsMaterial tls, ServerLimits limits, Optional<Cors> cors) {
        this.vertx = vertx;
        this.tls = tls;
        this.limits = limits;
        this.cors = cors;
        this.context = context;
        this.formats = formats;
        this.workers = workers;
        this.health = new HealthService(Readiness.of(context));
        // Made now, not at start: on a shared port, requests may be routed here as soon as the REST server listens.
        GrpcServerOptions options = new GrpcServerOptions()
                .setMaxMessageSize(context.limits().maxBodyBytes())
                .setScheduleDeadlineAutomatically(false)
                .addEnabledProtocol(GrpcProtocol.HTTP_2)
                .addEnabledProtocol(GrpcProtocol.WEB)
                .addEnabledProtocol(GrpcProtocol.WEB_TEXT);
        this.grpc = GrpcServer.server(vertx, options).callHandler(this::handle);
    }

    /** The gRPC server as a handler of HTTP requests, for serving on another transport's port. */
    Handler<HttpServerRequest> handler() {
        return this::route;
    }

    /**
     * Hands {@code http} to the Vert.x gRPC server, keeping it at hand for {@link #handle}, which
     * that server calls on this thread before returning: {@link ServerCall} reads the body
     * itself, and Vert.x's request has no way back to the HTTP request.
     */
    private void route(HttpServerRequest http) {
        String refusal = refusal(http.getHeader("content-type"), http.version());
        if (refusal != null) {
            refuse(http, refusal);
            return;
        }
        arriving.set(http);
        try {
            grpc.handle(http);
        } finally {
            arriving.remove();
        }
    }

    /** The content types the Vert.x gRPC server reads (its own pattern): gRPC, gRPC-Web and gRPC-Web text. */
    private static final Pattern GRPC_CONTENT_TYPE = Pattern.compile("application/grpc(-web(-text)?)?(\\+(json|proto))?");
    private static final String READ = "gRPC over HTTP/2: application/grpc, +proto or +json; gRPC-Web over HTTP/1.1 or"
            + " HTTP/2: application/grpc-web or application/grpc-web-text, +proto or +json";

    /**
     * Why a request of {@code contentType} over {@code version} cannot be read as gRPC, or null
     * when it can: the Vert.x gRPC server answers such a request with a bare 415, which neither a
     * gRPC client (no {@code grpc-status}) nor a person (no body) can read.
     */
    static String refusal(String contentType, HttpVersion version) {
        if (version == HttpVersion.HTTP_2 && ("application/grpc".equals(contentType)
                || "application/grpc+proto".equals(contentType))) {
            return null; // nearly every call: no pattern matched on the hot path
        }
        Matcher m = contentType == null ? null : GRPC_CONTENT_TYPE.matcher(contentType);
        if (m == null || !m.matches()) {
            return "content-type: \"" + WireText.message(String.valueOf(contentType)) + "\" (expected: " + READ + ")";
        }
        if (m.group(1) == null && version != HttpVersion.HTTP_2) {
            return "content-type: \"" + contentType + "\" over " + version + " (expected: " + READ + ")";
        }
        return null;
    }

    /**
     * Answers 415 with a trailers-only gRPC status (INVALID_ARGUMENT, as REST answers a content
     * type it cannot read) and a problem body, as courier-http writes it, for HTTP clients.
     */
    private static void refuse(HttpServerRequest http, String message) {
        byte[] problem;
        try (var out = new java.io.ByteArrayOutputStream();
             var json = new JsonFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", "urn:courier:status:INVALID_ARGUMENT");
            json.writeStringField("title", "Invalid argument");
            json.writeNumberField("status", 415);
            json.writeStringField("detail", WireText.message(message));
            json.writeStringField("code", "INVALID_ARGUMENT");
            json.writeBooleanField("retrySafe", false);
            json.writeEndObject();
            json.flush();
            problem = out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // not from memory
        }
        http.response().setStatusCode(415)
                .putHeader("content-type", "application/problem+json")
                .putHeader(Trailers.STATUS, Integer.toString(GrpcStatus.INVALID_ARGUMENT.code))
                .putHeader(Trailers.MESSAGE, Trailers.percentEncode(WireText.message(message)))
                .end(Buffer.buffer(problem));
    }

    /**
     * Answers on {@code rest}'s port, which routes gRPC requests here, instead of listening on
     * a port of its own; called before {@link #start}.
     */
    synchronized void shareWith(ServerTransport rest) {
        if (own != null) {
            throw new IllegalStateException("gRPC server: its own port is made already (expected: the REST port"
                    + " shared before anything attaches to gRPC's own)");
        }
        this.rest = rest;
    }

    /**
     * The port of our own, made on the first call, unless gRPC answers on the REST port: courier-http's
     * server alone, so it has the REST port's protection (ServerLimits, the first request timed from
     * the accept, strict HTTP/1.x decoding for gRPC-Web, the bound on HTTP/2 header blocks, the write
     * timeout) and nothing of its client side. Every request its routers do not take is gRPC's.
     */
    synchronized Optional<ServerPort> ownPort() {
        if (own == null && rest == null) {
            own = ServerPort.create(context, tls, limits, cors, handler());
        }
        return Optional.ofNullable(own);
    }

    @Override
    public void start(ServerDispatcher dispatcher) {
        this.dispatcher = dispatcher;
        Optional<ServerPort> port = ownPort();
        if (port.isEmpty()) {
            log.debug("gRPC server answering on the REST port");
            return;
        }
        ServerTransport server = port.get().server();
        try {
            server.start(dispatcher);
        } catch (RuntimeException e) {
            throw new IllegalStateException("gRPC server: cannot listen on " + context.host() + ":" + context.port()
                    + " (expected: a free port): " + e.getMessage(), e);
        }
        rest = server;
    }

    @Override
    public void register(ServiceDescriptor service) {
        String name = GrpcNames.serviceName(service);
        ServiceDescriptor previous = services.putIfAbsent(name, service);
        if (previous != null && previous != service) {
            throw new IllegalStateException("gRPC service " + name + ": served for both " + previous.type().getName()
                    + " and " + service.type().getName() + " (expected: one contract per gRPC service name)");
        }
        for (MethodDescriptor m : service.methods()) {
            String path = GrpcNames.path(service, m);
            Route clash = routes.putIfAbsent(path, new Route(service, m));
            if (clash != null && clash.method() != m) {
                throw new IllegalStateException("gRPC method " + path + ": both " + clash.method().fullName() + " and "
                        + m.fullName() + " (expected: method names that differ beyond their first letter's case)");
            }
        }
        health.serving(name);
    }

    private void handle(GrpcServerRequest<Buffer, Buffer> request) {
        String path = "/" + request.fullMethodName();
        HttpServerRequest http = arriving.get();
        if (http == null) {
            Trailers.end(request.response(), GrpcStatus.INTERNAL.code, "gRPC request of " + path
                    + " reached the server without its HTTP request (expected: routed through handler())");
            return;
        }
        // Every answer says which encodings this server reads, as PROTOCOL-HTTP2.md asks of an
        // UNIMPLEMENTED for an unknown one; set last, over the "gzip" Vert.x puts there.
        http.response().headersEndHandler(v -> http.response().headers()
                .set("grpc-accept-encoding", RequestReader.ACCEPTED_ENCODINGS));
        if (stopping) {
            Trailers.end(request.response(), GrpcStatus.UNAVAILABLE.code, "server is shutting down (retry on another"
                    + " instance)");
            return;
        }
        String encoding = request.headers().get("grpc-encoding");
        if (!RequestReader.accepts(encoding)) {
            Trailers.end(request.response(), new UnimplementedException("grpc-encoding: " + encoding
                    + " (expected: one of " + RequestReader.ACCEPTED_ENCODINGS + ")"));
            return;
        }
        // The connection's own context: on a shared port it belongs to the REST transport's Vert.x.
        Context current = Vertx.currentContext();
        Context loop = current != null ? current : vertx.getOrCreateContext();
        int max = context.limits().maxBodyBytes();
        if (health.handles(path)) {
            health.handle(request, http, new RequestReader(http, encoding, max, "request of " + path), services.keySet());
            return;
        }
        if (reflection.handles(path)) {
            reflection.handle(request, new RequestReader(http, encoding, max, "request of " + path));
            return;
        }
        Route route = routes.get(path);
        if (route == null) {
            Trailers.end(request.response(), GrpcStatus.UNIMPLEMENTED.code, "unknown method "
                    + request.fullMethodName() + " (expected: one of the services " + services.keySet() + ")");
            return;
        }
        Optional<MessageCodec> codec = formats.codec(route.service(), route.method(), request.format());
        if (codec.isEmpty()) {
            Trailers.end(request.response(), GrpcStatus.UNIMPLEMENTED.code, Formats.missing(route.method(),
                    request.format()));
            return;
        }
        new ServerCall(request, http, max, loop, route.service(), route.method(), route.what(), codec.get(), dispatcher,
                workers, context.clock()).start();
    }

    /** What reflection describes: the file of each contract that has a Protobuf mapping, and the health service's. */
    private Collection<FileDescriptor> describedFiles() {
        Set<FileDescriptor> described = new LinkedHashSet<>();
        for (ServiceDescriptor s : services.values()) {
            formats.exported(s).flatMap(p -> files.of(s, p)).ifPresent(described::add);
        }
        described.add(HealthService.FILE);
        return described;
    }

    @Override
    public InetSocketAddress localAddress() {
        ServerTransport server = rest;
        InetSocketAddress a = server == null ? null : server.localAddress();
        if (a == null) {
            throw new IllegalStateException("gRPC server: not started (expected: start() first)");
        }
        return a;
    }

    @Override
    public URI uri() {
        InetSocketAddress a = localAddress();
        return URI.create((context.tls().isPresent() ? "grpcs://" : "grpc://") + hostForUri(a.getHostString()) + ":" + a.getPort());
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    @Override
    public CompletableFuture<Void> stop(Duration grace) {
        stopping = true;
        health.stopping();
        // On the Courier's REST port the REST server drains and closes the connections.
        ServerPort port;
        synchronized (this) {
            port = own;
        }
        if (port == null) {
            return CompletableFuture.completedFuture(null);
        }
        log.debug("gRPC server on its own port stopping");
        return port.server().stop(grace).exceptionally(e -> null);
    }
}
