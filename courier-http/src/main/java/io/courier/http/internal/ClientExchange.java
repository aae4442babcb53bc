package io.courier.http.internal;

import io.courier.Call;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.ResourceExhaustedException;
import io.courier.Status;
import io.courier.UnavailableException;
import io.courier.contract.ParameterDescriptor;
import io.courier.json.JsonCodec;
import io.courier.internal.PeerLossLog;
import io.courier.spi.Codec;
import io.courier.spi.TransportContext;
import io.courier.spi.WireHeaders;
import io.courier.spi.WireText;
import io.courier.http.internal.vertx.ClientSockets;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One call on the client: builds the request from the {@link Call} on the caller's thread
 * (encoding included), sends it, and completes the returned future from the response.
 * Cancelling that future resets the request.
 */
final class ClientExchange {
    private static final Codec PROBLEMS = JsonCodec.create();
    /** Headers the transport sets itself; metadata never overrides them. */
    private static final Set<String> RESERVED = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "host", "te", "http2-settings", "proxy-connection", "content-type", "accept",
            WireHeaders.TIMEOUT, WireHeaders.CALLER);
    /** The buffer a response body starts in; it grows as the body arrives. */
    static final int INITIAL_BODY_BYTES = 8192;
    /** HTTP/2's REFUSED_STREAM: the server did not process the stream, so it is safe to send again. */
    private static final long REFUSED_STREAM = 7;

    private final Call call;
    private final ClientRoute route;
    private final HttpClientAgent client;
    private final ClientLoops loops;
    private final Codec codec;
    private final TransportContext context;
    private final Executor offload;
    private final PeerLossLog peers;
    private final CompletableFuture<Object> result = new CompletableFuture<>();
    private volatile HttpClientRequest request;
    /**
     * Whether the request has started to go out: from then until it is all written, abandoning it
     * closes its HTTP/1.x connection.
     */
    private volatile boolean writing;
    /** Whether the whole request has been written to the connection. */
    private volatile boolean requestWritten;
    private String target;
    private String endpoint;

    /** The response body as it arrives. */
    private BodyBuffer body;

    ClientExchange(Call call, ClientRoute route, HttpClientAgent client, ClientLoops loops, Codec codec,
                   TransportContext context, Executor offload, PeerLossLog peers) {
        this.call = call;
        this.peers = peers;
        this.route = route;
        this.client = client;
        this.loops = loops;
        this.codec = codec;
        this.context = context;
        this.offload = offload;
    }

    CompletableFuture<Object> start() {
        URI uri = call.target();
        String host = uri.getHost();
        if (host == null) {
            throw new InvalidArgumentException("target: " + uri + " (expected: scheme://host:port)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equals(uri.getScheme()) || "h2".equals(uri.getScheme()) ? 443 : 80);
        String pathAndQuery = pathAndQuery(uri);
        endpoint = uri.getScheme() + "://" + uri.getRawAuthority();
        target = route.httpMethod + " " + endpoint + pathAndQuery;
        MultiMap headers = headers();
        Buffer payload = null;
        if (route.body != null) {
            payload = Buffer.buffer(codec.encode(call.args().get(route.body.index()), route.body.type()));
            headers.set(HttpHeaders.CONTENT_TYPE, codec.contentType(route.body.type()));
        }
        long requestBytes = payload == null ? 0 : payload.length();
        call.context().sizes().ifPresent(s -> s.request(requestBytes));
        RequestOptions options = new RequestOptions().setMethod(route.httpMethod).setHost(host).setPort(port)
                .setURI(pathAndQuery).setHeaders(headers);
        result.whenComplete((value, failure) -> {
            if (result.isCancelled()) {
                abandon();
            }
        });
        Buffer toSend = payload;
        long started = peers.started();
        // Asked for on the endpoint's loop, so that a new connection is watched before it reads;
        // at once when this is that loop already (a call made where a previous one completed).
        Runnable send = () -> {
            if (result.isDone()) {
                return; // cancelled or out of time while waiting for the loop: nothing to send
            }
            client.request(options).onComplete(opened -> {
                if (opened.failed()) {
                    peers.lost(endpoint, route.method.fullName(), opened.cause());
                    // No connection, so nothing was sent: safe to try again, elsewhere or later.
                    result.completeExceptionally(new UnavailableException(route.method.fullName() + ": cannot connect to "
                            + uri.getRawAuthority() + " (" + reason(opened.cause()) + ")", Map.of(), true, opened.cause()));
                    return;
                }
                HttpClientRequest sending = opened.result();
                // A failure reaches the call through send()'s future and the response; without a
                // handler Vert.x would also log each reset of our own (deadline, cancel) as an ERROR.
                sending.exceptionHandler(failure -> { });
                request = sending;
                // Set before the check: a cancel that sees it false is seen by the check, and nothing is sent.
                writing = true;
                if (result.isDone()) {
                    sending.reset();
                    return;
                }
                Future<HttpClientResponse> response = sending.response();
                (toSend == null ? sending.end() : sending.end(toSend)).onSuccess(written -> requestWritten = true);
                response.onComplete(answered -> {
                    if (answered.failed()) {
                        result.completeExceptionally(lost(answered.cause()));
                    } else {
                        peers.answered(endpoint, started);
                        receive(answered.result());
                    }
                });
            });
        };
        io.vertx.core.Context loop = loops.of(host, port);
        if (io.vertx.core.Vertx.currentContext() == loop) {
            send.run();
        } else {
            loop.runOnContext(onLoop -> send.run());
        }
        return result;
    }

    private String pathAndQuery(URI uri) {
        String base = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        StringBuilder sb = new StringBuilder(base);
        Map<String, String> variables = new HashMap<>();
        for (ParameterDescriptor p : route.path) {
            List<String> values = p.format(call.args().get(p.index()));
            if (values.isEmpty()) {
                throw new InvalidArgumentException(p + ": null (expected: a value for {" + p.name() + "} in "
                        + route.method.path() + ")");
            }
            variables.put(p.name(), values.get(0));
        }
        sb.append(route.method.path().expand(variables));
        char separator = '?';
        for (ParameterDescriptor p : route.query) {
            for (String value : p.format(call.args().get(p.index()))) {
                sb.append(separator).append(URLEncoder.encode(p.name(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
                separator = '&';
            }
        }
        return sb.toString();
    }

    private MultiMap headers() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        call.context().metadata().forEach((name, value) -> {
            if (!RESERVED.contains(name)) {
                headers.add(name, value);
            }
        });
        for (ParameterDescriptor p : route.headers) {
            List<String> values = p.format(call.args().get(p.index()));
            if (!values.isEmpty()) {
                headers.set(p.name(), values);
            }
        }
        call.context().caller().ifPresent(caller -> headers.set(WireHeaders.CALLER, caller));
        Deadline deadline = call.context().deadline().orElse(null);
        if (deadline != null) {
            long left = deadline.remainingNanos();
            if (left <= 0) {
                throw new DeadlineExceededException(route.method.fullName() + ": deadline exceeded before calling "
                        + call.target());
            }
            headers.set(WireHeaders.TIMEOUT, WireHeaders.formatTimeout(java.time.Duration.ofNanos(left)));
        }
        headers.set(HttpHeaders.ACCEPT, codec.mediaType() + ", " + Problem.MEDIA_TYPE);
        return headers;
    }

    private void receive(HttpClientResponse response) {
        if (response.statusCode() < 200) {
            // 100 Continue is read by Vert.x; any other interim status as the answer (101 Switching
            // Protocols) leaves the connection speaking something else, so no later call may use it.
            response.request().connection().close();
            result.completeExceptionally(new InternalException(route.method.fullName() + ": " + target + " answered HTTP "
                    + response.statusCode() + " (expected: a final status; the request asked for no protocol switch)"));
            return;
        }
        int max = HttpClientTransport.MAX_RESPONSE_BYTES;
        long declared = contentLength(response.getHeader(HttpHeaders.CONTENT_LENGTH));
        if (declared > max) {
            tooLarge(declared + " bytes", max);
            return;
        }
        // Grown as bytes arrive, not sized by Content-Length: a header of a few bytes must not
        // make the client allocate megabytes before the server has sent any of them.
        body = new BodyBuffer(declared, INITIAL_BODY_BYTES, max);
        response.handler(chunk -> {
            if (!result.isDone() && !body.append(chunk)) {
                tooLarge("over " + max + " bytes", max);
            }
        });
        response.exceptionHandler(failure -> result.completeExceptionally(lost(failure)));
        response.endHandler(end -> {
            if (result.isDone()) {
                return;
            }
            byte[] bytes = body.take();
            int status = response.statusCode();
            String contentType = response.getHeader(HttpHeaders.CONTENT_TYPE);
            String coding = response.getHeader(HttpHeaders.CONTENT_ENCODING);
            if (status >= 200 && status < 300) {
                call.context().sizes().ifPresent(s -> s.response(bytes.length));
                if (bytes.length > HttpTransport.INLINE_BODY_BYTES) {
                    offload.execute(() -> succeed(status, contentType, coding, bytes));
                } else {
                    succeed(status, contentType, coding, bytes);
                }
            } else {
                call.context().sizes().ifPresent(s -> s.response(bytes.length)); // a problem body, measured too
                result.completeExceptionally(failure(status, contentType, bytes));
            }
        });
    }

    private void succeed(int status, String contentType, String coding, byte[] bytes) {
        if (status == 204 || route.method.returnsVoid() || route.method.oneWay()) {
            result.complete(null);
            return;
        }
        if (coding != null && !coding.isBlank() && !"identity".equalsIgnoreCase(coding.trim())) {
            // Never inflated: the request asks for no compression, and inflating what was not asked
            // for would let a few kilobytes of gzip become gigabytes.
            result.completeExceptionally(new InternalException(route.method.fullName() + ": " + target
                    + " answered with content-encoding \"" + WireText.bounded(coding, 64)
                    + "\" (expected: identity; the client asks for no compression)"));
            return;
        }
        Codec decoder = contentType == null ? codec : context.codecs().forContentType(contentType).orElse(null);
        if (decoder == null) {
            result.completeExceptionally(new InternalException(route.method.fullName() + ": " + target
                    + " answered with content-type \"" + contentType + "\" (expected: one of "
                    + context.codecs().mediaTypes() + ")"));
            return;
        }
        try {
            result.complete(decoder.decode(bytes, route.method.resultType(), contentType));
        } catch (CourierException e) {
            // A response the caller cannot read is the server's fault, not the caller's.
            InternalException error = new InternalException(route.method.fullName() + ": unreadable response from "
                    + target + ": " + e.getMessage());
            error.addSuppressed(e); // the cause is fixed at construction: initCause would throw, and the call never end
            result.completeExceptionally(error);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private CourierException failure(int status, String contentType, byte[] bytes) {
        Problem problem = null;
        boolean unreadable = false;
        if (contentType != null && contentType.contains("json") && bytes.length > 0) {
            try {
                problem = bounded((Problem) PROBLEMS.decode(bytes, Problem.class));
                CourierException error = problem.toException();
                if (error != null) {
                    return error;
                }
            } catch (RuntimeException notAProblem) {
                // Falls through to the HTTP status alone, saying the body was there but unreadable.
                unreadable = contentType.contains(Problem.MEDIA_TYPE);
            }
        }
        Status code = Status.fromHttp(status);
        if (code == Status.OK) {
            code = Status.UNKNOWN;
        }
        // A problem from a server that is not Courier (no Courier status in it) still says what went wrong.
        String said = problem == null ? "" : problem.detail() != null ? problem.detail() : problem.title();
        return CourierException.of(code, route.method.fullName() + ": " + target + " answered HTTP " + status
                + (said == null || said.isEmpty() ? (unreadable ? " with an unreadable problem body (expected: "
                + Problem.MEDIA_TYPE + " as RFC 9457 writes it)" : " without a problem body") : ": " + said
                + " (a problem body naming no Courier status)"), Map.of(), CourierException.defaultRetrySafe(code));
    }

    /**
     * {@code problem} with its text bounded by {@link WireText}, as a Courier server bounds what
     * it sends: a server that is not Courier may send a detail of megabytes, which would otherwise
     * become the message of the caller's exception, and of every log line that shows it.
     */
    private static Problem bounded(Problem problem) {
        return new Problem(problem.type(), problem.title() == null ? null : WireText.message(problem.title()),
                problem.status(), problem.detail() == null ? null : WireText.message(problem.detail()), problem.code(),
                problem.retrySafe(), problem.details() == null ? null : WireText.details(problem.details()));
    }

    private void tooLarge(String size, int max) {
        result.completeExceptionally(new ResourceExhaustedException(route.method.fullName() + ": response from "
                + target + ": " + size + " (expected: at most " + max + " bytes)", Map.of(), false));
        abandon();
    }

    /**
     * Resets the request once the call no longer wants its answer. An HTTP/1.x connection whose
     * request is still going out is also closed at once: Vert.x, which closes it on the reset,
     * does so only after the rest of the body has been written, which a server that stopped
     * reading never lets happen.
     */
    private void abandon() {
        HttpClientRequest sent = request;
        if (sent == null) {
            return; // still waiting for a connection: start() resets it when it comes
        }
        sent.reset();
        if (writing && !requestWritten && sent.version() != HttpVersion.HTTP_2) {
            // Only while the request is still going out: once it is all written, Vert.x's reset
            // closes the connection itself, and a close of ours could land on the next call's
            // use of it.
            ClientSockets.closeNow(sent.connection());
        }
    }

    /** The error for a connection lost after the request went out: it may have taken effect. */
    private CourierException lost(Throwable failure) {
        if (!(failure instanceof StreamResetException) && !result.isDone()) {
            peers.lost(endpoint, route.method.fullName(), failure); // the connection itself went
        }
        boolean refused = failure instanceof StreamResetException reset && reset.getCode() == REFUSED_STREAM;
        boolean notSent = failure instanceof ConnectException;
        return new UnavailableException(route.method.fullName() + ": " + whatHappened(failure), Map.of(),
                refused || notSent, failure);
    }

    /**
     * What the server did, as the caller can act on it: HTTP/1.x decoding failures say what Netty
     * refused in Netty's words ("invalid version format: FOO"), which name neither the server nor
     * what was expected of it. The failure itself stays the exception's cause.
     */
    private String whatHappened(Throwable failure) {
        int maxHeader = HttpClientOptions.DEFAULT_MAX_HEADER_SIZE;
        if (failure instanceof HttpClosedException) {
            return target + " closed the connection before its answer was complete";
        } else if (failure instanceof TooLongHttpHeaderException) {
            return target + " answered with headers over " + maxHeader + " bytes (expected: at most " + maxHeader + ")";
        } else if (failure instanceof TooLongHttpLineException) {
            int maxLine = HttpClientOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH;
            return target + " answered with a status line over " + maxLine + " bytes (expected: at most " + maxLine + ")";
        } else if (failure instanceof NumberFormatException) {
            return target + " answered with a malformed chunked body (expected: chunk sizes in hexadecimal)";
        } else if (failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
                || failure instanceof DecoderException) {
            // Netty's HttpVersion refuses "FOO", Vert.x refuses a version other than 1.0 and 1.1.
            return target + " answered something that is not HTTP/1.1 (expected: a status line such as HTTP/1.1 200 OK)";
        }
        return "connection for " + target + " closed before the response (" + reason(failure) + ")";
    }

    private static String reason(Throwable failure) {
        String message = failure.getMessage();
        String reason = message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
        // A failed TLS handshake says why only in its cause: an untrusted chain, a hostname mismatch.
        Throwable cause = failure.getCause();
        while (cause != null && cause != failure && !(cause instanceof javax.net.ssl.SSLException)) {
            cause = cause.getCause();
        }
        if (cause instanceof javax.net.ssl.SSLException) {
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root.getMessage() != null && !reason.contains(root.getMessage())) {
                reason = reason + ": " + root.getMessage();
            }
        }
        return reason;
    }

    private static long contentLength(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
