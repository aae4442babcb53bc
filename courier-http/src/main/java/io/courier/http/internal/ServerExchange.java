package io.courier.http.internal;

import io.courier.CallContext;
import io.courier.MessageSizes;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.InvalidArgumentException;
import io.courier.Metadata;
import io.courier.NotFoundException;
import io.courier.ResourceExhaustedException;
import io.courier.Ticker;
import io.courier.UnauthenticatedException;
import io.courier.UnavailableException;
import io.courier.UnimplementedException;
import io.courier.contract.ParameterDescriptor;
import io.courier.http.internal.vertx.VertxTls;
import io.courier.internal.Errors;
import io.courier.internal.PercentDecoding;
import io.courier.json.JsonCodec;
import io.courier.spi.Codec;
import io.courier.spi.Codecs;
import io.courier.spi.ServerDispatcher;
import io.courier.spi.TransportContext;
import io.courier.spi.WireHeaders;
import io.courier.http.internal.vertx.WriteProgress;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request on the server, from routing to the answer: runs on the connection's event loop
 * and never blocks it. Large bodies are decoded and results encoded off the event loop (the
 * handler's own thread, or the offload executor); the answer is always written from the event
 * loop. An answer whose bytes stop leaving for the write timeout is abandoned
 * ({@link #stalled}).
 */
final class ServerExchange extends WriteProgress.Answer {
    private static final Logger log = LoggerFactory.getLogger(ServerExchange.class);
    /** Problem bodies are Courier's own format, always JSON whatever codecs are registered. */
    private static final Codec PROBLEMS = JsonCodec.create();
    /** Headers about the connection, not the call: never part of the call's metadata. */
    private static final Set<String> NOT_METADATA = Set.of("content-length", "connection", "keep-alive",
            "transfer-encoding", "upgrade", "http2-settings", "te", "proxy-connection");

    private final HttpServerRequest request;
    private final RouteTable routes;
    private final ServerDispatcher dispatcher;
    private final TransportContext transport;
    private final Executor offload;
    private final boolean stopping;
    /** Closes a connection whose answer says it closes. */
    private final ConnectionGuard guard;
    private Context loop;
    private Route route;
    private Codec responseCodec;
    private Object[] args;
    private CallContext callContext;
    /** The sizes of the request and response bodies, for the server interceptors (metrics). */
    private final MessageSizes sizes = MessageSizes.create();
    private int requestBytes;

    /**
     * The body as it arrives: one array, sized from Content-Length up to this many bytes and grown
     * (doubling) as bytes arrive past it. A declared length is only a claim: sized from it alone,
     * a head of a few bytes would hold {@code maxBodyBytes} of heap, once per HTTP/2 stream.
     */
    static final int FIRST_BODY_ARRAY = 64 * 1024;
    private BodyBuffer body;
    private boolean abandoned;
    /** Times an HTTP/2 body from the head ({@link ConnectionGuard#timeBody}); -1 when none. */
    private long bodyTimer = -1;
    /** The handler's result once dispatched; cancelled when the peer goes away first. */
    private volatile CompletableFuture<Object> result;
    /** The peer reset the stream or closed the connection before the answer: nothing more is written. */
    private volatile boolean gone;
    /** The events of a server-streaming method once they flow. */
    private volatile EventStream events;
    /** The write watch of the connection, once the answer is written; null when not watched. */
    private WriteProgress progress;

    ServerExchange(HttpServerRequest request, RouteTable routes, ServerDispatcher dispatcher, TransportContext transport,
                   Executor offload, boolean stopping, ConnectionGuard guard) {
        this.request = request;
        this.guard = guard;
        this.routes = routes;
        this.dispatcher = dispatcher;
        this.transport = transport;
        this.offload = offload;
        this.stopping = stopping;
    }

    void run() {
        loop = Vertx.currentContext();
        // A peer that goes away is normal: the handler is cancelled (its thread interrupted) and
        // nothing is written to the dead stream, so Vert.x has nothing to report.
        HttpServerResponse response = request.response();
        response.closeHandler(v -> peerGone(null));
        response.exceptionHandler(this::peerGone);
        request.exceptionHandler(this::peerGone);
        if (stopping) {
            refuse(503, new UnavailableException("server is shutting down; " + request.method() + " " + request.path()
                    + " was not run (retry on another instance)"), null, true);
            return;
        }
        RouteTable.Match match;
        try {
            match = routes.match(request.method(), request.path());
        } catch (IllegalArgumentException e) { // a variable's segment not percent-encoded UTF-8, named
            refuse(400, new InvalidArgumentException(e.getMessage()), null, false);
            return;
        }
        if (!match.found()) {
            if (match.pathKnown()) {
                String allow = String.join(", ", match.allowed());
                refuse(405, new UnimplementedException("method: " + request.method() + " on " + abbreviate(request.path())
                        + " (expected: one of " + allow + ")"), allow, false);
            } else {
                refuse(404, new NotFoundException("path: " + request.method() + " " + abbreviate(request.path())
                        + " (expected: a route this server serves)"), null, false);
            }
            return;
        }
        route = match.route();
        Codecs codecs = transport.codecs();
        if (route.events) {
            String accept = request.getHeader(HttpHeaders.ACCEPT);
            if (!EventStream.accepted(accept)) {
                refuse(406, new InvalidArgumentException("accept: \"" + abbreviate(accept) + "\" (expected: "
                        + EventStream.MEDIA_TYPE + ", or */*: " + route.method.fullName() + " streams its responses)"),
                        null, false);
                return;
            }
            responseCodec = codecs.forContentType("application/json").orElse(PROBLEMS);
        } else if (route.streaming) {
            refuse(501, new UnimplementedException(Route.streamingRefusal(route.method)), null, false);
            return;
        } else if (!route.noContent) {
            String accept = request.getHeader(HttpHeaders.ACCEPT);
            responseCodec = codecs.negotiate(accept).orElse(null);
            if (responseCodec == null) {
                refuse(406, new InvalidArgumentException("accept: \"" + abbreviate(accept) + "\" (expected: one of "
                        + codecs.mediaTypes() + ", or */*)"), null, false);
                return;
            }
        }
        try {
            callContext = callContext(request.headers(), transport.clock()).withSizes(sizes)
                    .withPeer(VertxTls.peer(request.connection())).withRemoteAddress(remoteAddress(request));
            args = bind(match.variables());
        } catch (InvalidArgumentException e) {
            refuse(400, e, null, false);
            return;
        }
        if (route.body == null) {
            dispatch();
            return;
        }
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        // A body without a Content-Type is taken to be in the default codec's format, as most
        // hand-written clients mean it.
        Codec codec = (contentType == null ? codecs.defaultCodec() : codecs.forContentType(contentType)).orElse(null);
        if (codec == null) {
            refuse(415, new InvalidArgumentException("content-type: \"" + abbreviate(contentType)
                    + "\" (expected: one of " + codecs.mediaTypes() + ")"), null, false);
            return;
        }
        readBody(codec, contentType);
    }

    /**
     * An HTTP/2 body still arriving {@code requestReadTimeout} after its head: a client keeping
     * a stream (of many on its connection) open by dribbling its body. Answered 408, and the
     * stream reset so that the client stops sending; what arrived is dropped.
     */
    private void bodyLate() {
        if (abandoned || gone) {
            return;
        }
        abandoned = true;
        body.drop();
        log.debug("{} {}: the body did not arrive within {} of the head; stream reset", request.method(), request.path(),
                guard.requestReadTimeout());
        refuse(408, new DeadlineExceededException("body: " + body.size() + " bytes arrived within " + guard.requestReadTimeout()
                + " of the request head (expected: the whole body within the server's requestReadTimeout)"), null, false);
        request.response().reset(0); // NO_ERROR: the answer is complete, the rest of the body unwanted (RFC 9113 8.1)
    }

    private void readBody(Codec codec, String contentType) {
        int max = transport.limits().maxBodyBytes();
        long declared = contentLength();
        if (declared > max) {
            refuse(413, tooLarge(declared + " bytes", max), null, true);
            return;
        }
        if (request.version() != HttpVersion.HTTP_1_0
                && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            // The client holds its body back until told to send it (curl for 1 s, the JDK's client
            // for 5 s); a request refused before this point is answered without it.
            request.response().writeContinue();
        }
        body = new BodyBuffer(declared, declared >= 0 ? FIRST_BODY_ARRAY : 8192, max);
        bodyTimer = guard.timeBody(request, this::bodyLate);
        request.handler(chunk -> {
            if (abandoned) {
                return;
            }
            if (!body.append(chunk)) {
                abandoned = true;
                guard.bodyEnded(bodyTimer);
                refuse(413, tooLarge("over " + max + " bytes", max), null, true);
            }
        });
        request.endHandler(end -> {
            guard.bodyEnded(bodyTimer);
            if (abandoned) {
                return;
            }
            byte[] bytes = body.take();
            if (bytes.length > HttpTransport.INLINE_BODY_BYTES) {
                offload.execute(() -> decodeAndDispatch(codec, contentType, bytes));
            } else {
                decodeAndDispatch(codec, contentType, bytes);
            }
        });
    }

    private void decodeAndDispatch(Codec codec, String contentType, byte[] bytes) {
        ParameterDescriptor p = route.body;
        requestBytes = bytes.length;
        try {
            if (bytes.length == 0) {
                if (p.type() instanceof Class<?> c && c.isPrimitive()) {
                    throw new InvalidArgumentException("body: empty (expected: " + (c == int.class ? "an " : "a ")
                            + c.getName() + ")");
                }
                args[p.index()] = null;
            } else {
                args[p.index()] = codec.decode(bytes, p.type(), contentType);
            }
        } catch (CourierException e) {
            onLoop(() -> refuse(httpStatus(e), e, null, false));
            return;
        } catch (RuntimeException e) {
            CourierException error = Errors.fromRequest(e, route.method);
            onLoop(() -> refuse(httpStatus(error), error, null, false));
            return;
        }
        dispatch();
    }

    private void dispatch() {
        if (gone) {
            return;
        }
        sizes.request(requestBytes);
        CompletableFuture<Object> result = dispatcher.dispatch(route.service, route.method, args, callContext);
        this.result = result;
        if (gone) {
            result.cancel(true); // the peer left while the call was being dispatched
        }
        // A one-way call's future completes once the call is taken (its handler started), not at
        // its end: the caller learns only that, or what refused the call before the handler.
        result.whenComplete(this::complete);
    }

    /** Runs on the event loop when the stream or connection closes, or fails. */
    private void peerGone(Throwable failure) {
        HttpServerResponse response = request.response();
        if (gone || response.ended()) {
            return; // closed after the answer: the normal end of an HTTP/2 stream
        }
        gone = true;
        abandoned = true;
        guard.bodyEnded(bodyTimer);
        EventStream e = events;
        if (e != null) {
            e.cancel();
        }
        CompletableFuture<Object> r = result;
        if (r != null && r.cancel(true)) {
            log.debug("{} {}: the client went away ({}); call cancelled", request.method(), request.path(),
                    failure == null ? "connection closed" : failure.toString());
        }
    }

    /** Runs where the result arrived (usually the handler's virtual thread), so encoding stays off the event loop. */
    private void complete(Object value, Throwable failure) {
        if (failure != null) {
            CourierException error = Errors.fromServer(failure, route.method);
            onLoop(() -> refuse(httpStatus(error), error, null, false));
            return;
        }
        if (route.events && request.method() == io.vertx.core.http.HttpMethod.HEAD) {
            // The GET's head, which does not depend on the elements: none is read, so an endless
            // stream does not hold the answer, and the implementation's stream is closed at once.
            offload.execute(() -> EventStream.closeQuietly((java.util.stream.Stream<?>) value));
            onLoop(() -> {
                HttpServerResponse response = request.response();
                if (!gone && !response.ended() && !response.closed()) {
                    EventStream.head(response.setStatusCode(200)).end();
                }
            });
            return;
        }
        if (route.events) {
            EventStream stream = new EventStream(loop, request.response(), route.method, responseCodec, this);
            events = stream;
            if (gone) {
                stream.cancel();
            }
            offload.execute(() -> stream.run((java.util.stream.Stream<?>) value, callContext, transport.clock()));
            return;
        }
        if (route.noContent) {
            sizes.response(0);
            int status = route.method.oneWay() ? 202 : 204;
            onLoop(() -> answer(status, null, null));
            return;
        }
        byte[] bytes;
        String contentType;
        try {
            bytes = responseCodec.encode(value, route.method.resultType());
            contentType = responseCodec.contentType(route.method.resultType());
        } catch (RuntimeException e) {
            CourierException error = Errors.fromServer(e, route.method);
            onLoop(() -> refuse(httpStatus(error), error, null, false));
            return;
        }
        sizes.response(bytes.length);
        onLoop(() -> answer(200, contentType, bytes));
    }

    private void answer(int status, String contentType, byte[] bytes) {
        HttpServerResponse response = request.response();
        if (gone || response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status);
        if (bytes == null) {
            response.end();
        } else {
            response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
            if (transport.codecs().mediaTypes().size() > 1) {
                response.headers().add(HttpHeaders.VARY, HttpHeaders.ACCEPT); // the format was negotiated
            }
            if (request.method() == io.vertx.core.http.HttpMethod.HEAD
                    || (progress = WriteProgress.of(request.connection())) == null) {
                end(request, response, bytes);
            } else if (bytes.length <= WriteProgress.PART) {
                writing(progress, response.end(Buffer.buffer(bytes)));
            } else {
                writeInParts(response, bytes);
            }
        }
    }

    /**
     * Writes a large answer in parts, watched, and ends it once they have all left: an HTTP/2
     * stream whose end is still Courier's can be reset (Vert.x refuses to reset a stream once its
     * end is handed to the HTTP/2 layer, which holds what the window does not let out).
     */
    private void writeInParts(HttpServerResponse response, byte[] bytes) {
        response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(bytes.length));
        Buffer whole = Buffer.buffer(bytes);
        Future<Void> last = null;
        for (int at = 0; at < bytes.length; at += WriteProgress.PART) {
            last = response.write(whole.slice(at, Math.min(bytes.length, at + WriteProgress.PART)));
            writing(progress, last);
        }
        last.onSuccess(written -> {
            if (!gone && !response.closed()) {
                response.end();
            }
        });
    }

    /** {@code write}, of this exchange's event stream, is watched as the answer's. */
    void eventWritten(Future<Void> write) {
        if (progress == null) {
            progress = WriteProgress.of(request.connection());
        }
        writing(progress, write);
    }

    /**
     * No byte of the answer left for the write timeout while some waited (a client that keeps
     * its connection busy and does not read): the answer is abandoned as if the client had gone,
     * its stream reset with CANCEL (HTTP/2) or its connection closed (HTTP/1.x: nothing else
     * ends one answer), which drops what was queued, and a stream's producer is stopped.
     */
    @Override
    protected void stalled() {
        HttpServerResponse response = request.response();
        if (gone || response.closed()) {
            return;
        }
        gone = true;
        abandoned = true;
        boolean http2 = request.version() == HttpVersion.HTTP_2;
        log.debug("{} {}: no byte of the answer left within {} (the client does not read); {}", request.method(),
                request.path(), guard.writeTimeout(), http2 ? "stream reset" : "connection closed");
        EventStream e = events;
        if (e != null) {
            e.cancel();
        }
        CompletableFuture<Object> r = result;
        if (r != null) {
            r.cancel(true);
        }
        WriteProgress.abandon(request);
    }

    /**
     * Ends {@code response} with {@code bytes}, or, answering a HEAD, with their length and no
     * body (RFC 9110 9.3.2: the GET's headers; Vert.x leaves Content-Length out of a HEAD's answer).
     */
    private static void end(HttpServerRequest request, HttpServerResponse response, byte[] bytes) {
        if (request.method() == io.vertx.core.http.HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(bytes.length)).end();
        } else {
            response.end(Buffer.buffer(bytes));
        }
    }

    private void onLoop(Runnable action) {
        if (Vertx.currentContext() == loop) {
            action.run();
        } else {
            loop.runOnContext(ignored -> action.run());
        }
    }

    private void refuse(int httpStatus, CourierException error, String allow, boolean close) {
        if (gone) {
            return;
        }
        byte[] bytes = problem(error, httpStatus);
        sizes.response(bytes.length); // the problem body is this call's response
        refuse(request, httpStatus, error, allow, close, bytes, guard);
    }

    /** Answers {@code request} with a problem body for {@code error}. */
    static void refuse(HttpServerRequest request, int httpStatus, CourierException error) {
        refuse(request, httpStatus, error, null);
    }

    /**
     * Answers {@code request} with a problem body for {@code error} and closes its connection,
     * through {@code guard} (when not null) so that no request behind it is answered.
     */
    static void refuse(HttpServerRequest request, int httpStatus, CourierException error, ConnectionGuard guard) {
        refuse(request, httpStatus, error, null, true, problem(error, httpStatus), guard);
    }

    private static void refuse(HttpServerRequest request, int httpStatus, CourierException error, String allow,
                               boolean close, byte[] bytes, ConnectionGuard guard) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(httpStatus).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (allow != null) {
            response.putHeader(HttpHeaders.ALLOW, allow);
        }
        if (httpStatus == 401) {
            // RFC 9110 15.5.2: a 401 names how to authenticate; the error says which scheme (RFC 6750).
            response.putHeader("www-authenticate",
                    error.details().getOrDefault(UnauthenticatedException.CHALLENGE, "Bearer"));
        } else if (httpStatus == 403 && error.details().containsKey(UnauthenticatedException.CHALLENGE)) {
            // RFC 6750 3.1: a token without the scopes a method needs, and which ones.
            response.putHeader("www-authenticate", error.details().get(UnauthenticatedException.CHALLENGE));
        }
        Duration retryAfter = ResourceExhaustedException.retryAfter(error);
        if (retryAfter != null) {
            // RFC 9110 10.2.3: delay-seconds, so rounded up; a caller told 0 would come straight back.
            response.putHeader("retry-after", Long.toString(Math.max(1, retryAfter.toSeconds()
                    + (retryAfter.toNanosPart() == 0 ? 0 : 1))));
        }
        if (close && request.version() != HttpVersion.HTTP_2) {
            // The rest of the request was not read: the connection cannot carry another one. The
            // header alone does not close it (Vert.x reads on, the rest of the body and any request
            // after it, and answers those), so it is closed once the answer is written, and a
            // request that arrived behind this one is not answered (RFC 9112 9.6).
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            end(request, response, bytes);
            if (guard != null) {
                guard.close(request.connection());
            } else {
                request.connection().close();
            }
            return;
        }
        end(request, response, bytes);
    }

    /**
     * The HTTP status {@code error} is answered with: its status's, but 503 for a server that
     * sheds load ({@link ResourceExhaustedException#SERVER_OVERLOADED}): 429 would tell the
     * caller that it, not the server, went over a limit.
     */
    static int httpStatus(CourierException error) {
        if (error.status() == io.courier.Status.RESOURCE_EXHAUSTED
                && error.details().containsKey(ResourceExhaustedException.SERVER_OVERLOADED)) {
            return 503;
        }
        return error.status().httpStatus();
    }

    /** The problem body of {@code error}. */
    static byte[] problem(CourierException error, int httpStatus) {
        return PROBLEMS.encode(Problem.of(error, httpStatus), Problem.class);
    }

    private Object[] bind(Map<String, String> variables) {
        ParameterDescriptor[] parameters = route.parameters;
        Object[] values = new Object[parameters.length];
        MultiMap query = null;
        for (ParameterDescriptor p : parameters) {
            switch (p.kind()) {
                case PATH -> values[p.index()] = p.parse(List.of(variables.get(p.name())));
                case QUERY -> {
                    if (query == null) {
                        query = query(request.query());
                    }
                    values[p.index()] = p.parse(query.getAll(p.name()));
                }
                case HEADER -> values[p.index()] = p.parse(request.headers().getAll(p.name()));
                case BODY -> { } // read from the body once it has arrived
            }
        }
        return values;
    }

    /**
     * The parameters of the raw {@code query}, decoded strictly (Netty's decoder, behind
     * {@code request.params()}, puts U+FFFD for bytes that are not UTF-8), split as it splits
     * them: on {@code &} and {@code ;}, a name without {@code =} having the value "", up to a
     * {@code #}; names are case-insensitive as they were. The query is bounded by the request
     * line (HTTP/1.x) or header (HTTP/2) limit, so this is too.
     *
     * @throws InvalidArgumentException naming the parameter whose name or value is not percent-encoded UTF-8
     */
    static MultiMap query(String raw) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        int end = raw.indexOf('#');
        end = end < 0 ? raw.length() : end;
        int start = 0;
        while (start <= end) {
            int next = start;
            while (next < end && raw.charAt(next) != '&' && raw.charAt(next) != ';') {
                next++;
            }
            if (next > start) {
                int nameEnd = start; // the first '=' of this parameter, searched within it only: linear overall
                while (nameEnd < next && raw.charAt(nameEnd) != '=') {
                    nameEnd++;
                }
                String rawName = raw.substring(start, nameEnd);
                String name;
                try {
                    name = PercentDecoding.decode(rawName, true);
                } catch (IllegalArgumentException e) {
                    throw new InvalidArgumentException("query: parameter name \"" + abbreviate(rawName) + "\": "
                            + e.getMessage());
                }
                String rawValue = nameEnd < next ? raw.substring(nameEnd + 1, next) : "";
                try {
                    params.add(name, PercentDecoding.decode(rawValue, true));
                } catch (IllegalArgumentException e) {
                    throw new InvalidArgumentException("query " + abbreviate(name) + ": \"" + abbreviate(rawValue)
                            + "\": " + e.getMessage());
                }
            }
            start = next + 1;
        }
        return params;
    }

    private static CallContext callContext(MultiMap headers, Ticker ticker) {
        Metadata.Builder metadata = Metadata.builder();
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
            if (!name.isEmpty() && name.charAt(0) != ':' && !NOT_METADATA.contains(name)) {
                metadata.add(name, header.getValue());
            }
        }
        CallContext context = CallContext.empty().withTransport("http").withMetadata(metadata.build()).withCaller(headers.get(WireHeaders.CALLER));
        String timeout = headers.get(WireHeaders.TIMEOUT);
        if (timeout != null) {
            try {
                context = context.withDeadline(Deadline.after(WireHeaders.parseTimeout(timeout), ticker));
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException(WireHeaders.TIMEOUT + " header: " + e.getMessage());
            }
        }
        return context;
    }

    private static String remoteAddress(HttpServerRequest request) {
        io.vertx.core.net.SocketAddress address = request.connection().remoteAddress();
        return address == null ? null : address.hostAddress();
    }

    private long contentLength() {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static ResourceExhaustedException tooLarge(String size, int max) {
        return new ResourceExhaustedException("body: " + size + " (expected: at most " + max + " bytes)");
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 128 ? s : s.substring(0, 125) + "...";
    }
}
