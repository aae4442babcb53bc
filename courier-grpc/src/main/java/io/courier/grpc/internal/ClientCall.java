package io.courier.grpc.internal;

import io.courier.Scheduler;
import io.courier.Call;
import io.courier.CancelledException;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.InternalException;
import io.courier.UnavailableException;
import io.courier.contract.MethodDescriptor;
import io.courier.grpc.MessageCodec;
import io.courier.http.internal.vertx.VertxTls;
import io.courier.internal.Errors;
import io.courier.internal.PeerLossLog;
import io.courier.spi.WireHeaders;
import io.courier.spi.WireText;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.WireFormat;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * One gRPC call from the client: sends the request message(s), reads the response message(s)
 * and the status. A call whose responses stream completes at once with a {@link Stream} the
 * caller iterates (errors surface there); its requests, if streamed, are pulled from the
 * caller's {@link Stream} on a virtual thread as the connection takes them. A small unary answer
 * is decoded and completes the future on the event loop, so callbacks chained on it run there.
 */
final class ClientCall {
    /** HTTP/2's CANCEL, the reset gRPC sends for a call it gives up. */
    private static final long CANCEL = 0x8;
    private final Call call;
    /** The full rpc name, {@code package.Service/Method}. */
    private final String rpc;
    private final MethodDescriptor method;
    private final MessageCodec codec;
    private final WireFormat format;
    /** The event loop of {@code client}'s connections: every step that touches the stream runs there. */
    private final Context loop;
    private final HttpClient client;
    private final Executor workers;
    private final Scheduler scheduler;
    private final PeerLossLog peers;
    /** When this call started, as {@link PeerLossLog} orders starts and losses. */
    private long started;
    private final CompletableFuture<Object> result = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile HttpClientRequest request;
    /** Whether the request went out whole (its end written), on the loop. */
    private boolean requestEnded;
    /** Streamed responses the caller has asked for and not yet been given, on the loop. */
    private long credit;
    private volatile Thread sender;
    private volatile boolean sent;
    private volatile Scheduler.Task deadlineTimer;
    private Inbound inbound;
    /** The largest response message, inflated or not. */
    private final int maxMessageBytes;

    ClientCall(Call call, String rpc, MessageCodec codec, WireFormat format, Context loop, HttpClient client,
               Executor workers, Scheduler scheduler, PeerLossLog peers, int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.call = call;
        this.rpc = rpc;
        this.peers = peers;
        this.method = call.method();
        this.codec = codec;
        this.format = format;
        this.loop = loop;
        this.client = client;
        this.workers = workers;
        this.scheduler = scheduler;
    }

    CompletableFuture<Object> start() {
        byte[] message;
        if (method.streaming().requests()) {
            message = null;
        } else {
            message = codec.encodeRequest(call.args().toArray());
            reportRequest(message);
        }
        if (method.streaming().responses()) {
            inbound = new Inbound(bytes -> {
                reportResponse(bytes);
                return decodeResponse(bytes);
            }, this::cancel);
            result.complete(inbound.stream());
            call.context().deadline().ifPresent(this::enforce);
        }
        result.whenComplete((v, f) -> {
            if (result.isCancelled()) {
                cancel();
            }
        });
        if (Vertx.currentContext() == loop) {
            send(message);
        } else {
            // One task on the connection's loop for the whole start: the stream is made, written
            // and answered on that loop, with no lock shared with the calling thread.
            loop.runOnContext(v -> send(message));
        }
        return result;
    }

    private void send(byte[] message) {
        if (ended.get()) {
            return; // cancelled, or past its deadline, before it reached the loop
        }
        int port = call.target().getPort() < 0 ? 443 : call.target().getPort();
        started = peers.started();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(port, host())).setURI("/" + rpc);
        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                peers.lost(call.target(), method.fullName(), ar.cause());
                fail(new UnavailableException("cannot reach " + call.target() + " for " + method.fullName() + ": "
                        + VertxTls.reason(ar.cause()), Map.of(), true, null));
                return;
            }
            HttpClientRequest req = ar.result();
            request = req;
            GrpcClientTransport.watch(req.connection());
            if (ended.get()) {
                req.reset(CANCEL);
                return;
            }
            headers(req.headers());
            req.setChunked(true);
            req.exceptionHandler(this::failed);
            req.response().onComplete(r -> {
                if (r.failed()) {
                    failed(r.cause());
                } else {
                    receive(r.result());
                }
            });
            if (method.streaming().requests()) {
                workers.execute(this::sendStream);
            } else {
                sent = true;
                req.end(frame(message)).onSuccess(v -> requestEnded = true);
            }
        });
    }

    private String host() {
        String host = call.target().getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private void headers(MultiMap headers) {
        call.context().metadata().forEach((name, value) -> {
            // content-type and accept are a REST client's format (ClientBuilder.format); gRPC names its own content type
            if (!name.equals("content-type") && !name.equals("accept")) {
                headers.add(name, value);
            }
        });
        call.context().caller().ifPresent(c -> headers.set(WireHeaders.CALLER, c));
        call.context().deadline().ifPresent(d -> headers.set("grpc-timeout",
                WireHeaders.formatTimeout(java.time.Duration.ofNanos(Math.max(1, d.remainingNanos())))));
        headers.set("content-type", format == WireFormat.JSON ? "application/grpc+json" : "application/grpc");
        headers.set("grpc-accept-encoding", "gzip");
        headers.set("te", "trailers");
    }

    /** Pulls the caller's request stream and sends each element as the connection takes it. */
    @SuppressWarnings("unchecked")
    private void sendStream() {
        sender = Thread.currentThread();
        HttpClientRequest req = request;
        Outbound out = new Outbound(loop, req, m -> req.write(frame(m)));
        try (Stream<Object> requests = (Stream<Object>) call.args().get(0)) {
            if (requests != null) {
                Iterator<Object> it = requests.iterator();
                while (!ended.get() && it.hasNext()) {
                    byte[] bytes = codec.encodeRequest(new Object[] {it.next()});
                    reportRequest(bytes);
                    out.write(bytes);
                    sent = true;
                }
            }
            sent = true;
            loop.runOnContext(v -> req.end().onSuccess(e -> requestEnded = true));
        } catch (RuntimeException e) {
            if (!ended.get()) {
                fail(e instanceof CourierException c ? c : new CancelledException(method.fullName()
                        + ": the request stream failed: " + e));
                cancel();
            }
        } finally {
            sender = null;
            Thread.interrupted();
        }
    }

    /** One uncompressed length-prefixed message (PROTOCOL-HTTP2.md). */
    private static Buffer frame(byte[] message) {
        return Buffer.buffer(FrameDecoder.PREFIX + message.length).appendByte((byte) 0).appendInt(message.length)
                .appendBytes(message);
    }

    private void refuse(CourierException error) {
        fail(error);
        cancel();
    }

    /**
     * Reads the answer: refused at once, with the status gRPC's HTTP mapping gives it, when it is
     * not gRPC; else its messages, cut and inflated within {@link #maxMessageBytes} as they come,
     * and its status at the end. Every malformed part fails the call at once and resets the stream.
     */
    private void receive(HttpClientResponse response) {
        peers.answered(call.target(), started);
        response.exceptionHandler(this::failed);
        String contentType = response.getHeader("content-type");
        if (response.statusCode() != 200 || !NonGrpcAnswer.isGrpc(contentType)) {
            refuse(NonGrpcAnswer.error(method.fullName(), call.target(), response.statusCode(), contentType));
            return;
        }
        FrameDecoder frames = new FrameDecoder(response.getHeader("grpc-encoding"), maxMessageBytes,
                method.fullName() + ": a response message from " + call.target(), "the client's maxBodyBytes");
        List<byte[]> unary = new ArrayList<>(1);
        response.handler(chunk -> {
            if (ended.get()) {
                return;
            }
            List<byte[]> messages;
            try {
                messages = frames.feed(chunk.getBytes());
            } catch (CourierException e) {
                refuse(e);
                return;
            }
            for (byte[] message : messages) {
                if (inbound != null) {
                    inbound.push(message);
                    if (--credit <= 0) {
                        response.pause();
                    }
                } else if (unary.isEmpty()) {
                    unary.add(message);
                } else {
                    // Not kept: a server that sends message after message must not fill the heap.
                    refuse(new InternalException(method.fullName() + ": more than one response message from "
                            + call.target() + " (expected: exactly one)"));
                    return;
                }
            }
        });
        response.endHandler(v -> end(response, frames, unary));
        if (inbound != null) {
            response.pause();
            Context ctx = loop;
            inbound.attach(n -> ctx.runOnContext(v -> {
                credit += n;
                if (credit > 0) {
                    response.resume();
                }
            }));
        }
    }

    /** The answer ended: its status, from its trailers or the headers of a trailers-only answer. */
    private void end(HttpClientResponse response, FrameDecoder frames, List<byte[]> unary) {
        if (ended.get()) {
            return;
        }
        if (!requestEnded) {
            // The server is done while the request still goes out: the rest would go nowhere.
            request.reset(CANCEL);
        }
        try {
            frames.end();
        } catch (CourierException e) {
            fail(e);
            return;
        }
        CourierException error = error(response.trailers(), response.headers());
        if (error != null) {
            fail(error);
        } else if (inbound != null) {
            if (ended.compareAndSet(false, true)) {
                stopTimer();
                inbound.end();
            }
        } else if (unary.size() != 1) {
            fail(new InternalException(method.fullName() + ": " + unary.size() + " response messages from "
                    + call.target() + " (expected: exactly one)"));
        } else {
            decodeAndComplete(unary.get(0));
        }
    }

    private void decodeAndComplete(byte[] bytes) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (bytes.length > GrpcTransport.INLINE_MESSAGE_BYTES) {
            // Off the event loop: a large response takes a while to decode.
            workers.execute(() -> decodeInto(bytes));
        } else {
            // On the event loop: a blocking caller joins the future on its own thread anyway,
            // and a thread hop would cost more than decoding a small message.
            decodeInto(bytes);
        }
    }

    private void reportRequest(byte[] message) {
        call.context().sizes().ifPresent(s -> s.request(message.length));
    }

    private void reportResponse(byte[] message) {
        call.context().sizes().ifPresent(s -> s.response(message.length));
    }

    private void decodeInto(byte[] bytes) {
        reportResponse(bytes);
        try {
            result.complete(decodeResponse(bytes));
        } catch (RuntimeException e) {
            result.completeExceptionally(Errors.fromClient(e, method));
        }
    }

    /**
     * {@code bytes} decoded as the method's result. A response the caller cannot read is the
     * server's fault, not the caller's: the codec's {@code INVALID_ARGUMENT} becomes
     * {@code INTERNAL}, naming the server, as Courier's REST client reports it.
     */
    private Object decodeResponse(byte[] bytes) {
        try {
            return codec.decodeResponse(bytes);
        } catch (CourierException e) {
            InternalException error = new InternalException(method.fullName() + ": unreadable response from "
                    + call.target() + ": " + e.getMessage());
            error.addSuppressed(e);
            throw error;
        }
    }

    /**
     * The error a non-OK answer carries, null for OK; read from the trailers, or from the headers
     * of a trailers-only answer, the message decoded as PROTOCOL-HTTP2.md encodes it. A status
     * that is missing or not a number is {@code UNKNOWN}, as gRPC's clients take it.
     */
    private CourierException error(MultiMap trailers, MultiMap headers) {
        String code = read(Trailers.STATUS, trailers, headers);
        String message = Trailers.percentDecode(read(Trailers.MESSAGE, trailers, headers));
        if (code == null) {
            return unknown(method.fullName() + ": " + call.target() + " ended its answer without a grpc-status"
                    + said(message) + " (expected: a grpc-status trailer)");
        }
        int status;
        try {
            status = Integer.parseInt(code.trim());
        } catch (NumberFormatException e) {
            return unknown(method.fullName() + ": " + call.target() + " answered grpc-status \""
                    + WireText.bounded(code, 32) + "\"" + said(message) + " (expected: a number, 0 for OK)");
        }
        if (status == 0) {
            return null;
        }
        return Trailers.error(status, message, read(Trailers.DETAILS, trailers, headers),
                read(Trailers.RETRY_SAFE, trailers, headers));
    }

    private static CourierException unknown(String message) {
        return CourierException.of(io.courier.Status.UNKNOWN, message, Map.of(), false);
    }

    private static String said(String message) {
        return message == null || message.isEmpty() ? "" : ", grpc-message \"" + WireText.bounded(message, 256) + "\"";
    }

    private static String read(String name, MultiMap trailers, MultiMap headers) {
        String value = trailers.get(name);
        return value != null ? value : headers.get(name);
    }

    /** A failure of the stream itself: reset, closed connection, not a gRPC answer. */
    private void failed(Throwable t) {
        if (t instanceof StreamResetException reset) {
            t = GrpcErrorException.create(reset);
        }
        if (t instanceof GrpcErrorException g) {
            fail(g.status() == GrpcStatus.CANCELLED
                    ? new CancelledException(method.fullName() + ": the server cancelled the call")
                    : CourierException.of(io.courier.Status.fromGrpc(g.status().code), method.fullName() + ": stream "
                            + g.error() + " from " + call.target(), Map.of(), false));
            return;
        }
        boolean unsent = !sent || t instanceof ConnectException;
        if (!ended.get()) {
            peers.lost(call.target(), method.fullName(), t); // a reset or closed connection: the peer went
        }
        fail(new UnavailableException(method.fullName() + ": the call to " + call.target() + " failed: " + t.getMessage(),
                Map.of(), unsent, null));
    }

    private void fail(CourierException error) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        stopTimer();
        if (inbound != null) {
            inbound.fail(error);
        } else {
            result.completeExceptionally(error);
        }
        Thread t = sender;
        if (t != null) {
            t.interrupt();
        }
    }

    /** The caller gave up (cancelled the future, closed the stream, or the deadline passed). */
    private void cancel() {
        ended.set(true);
        stopTimer();
        Thread t = sender;
        if (t != null) {
            t.interrupt();
        }
        HttpClientRequest req = request;
        Context ctx = loop;
        if (req != null && ctx != null) {
            ctx.runOnContext(v -> req.reset(CANCEL));
        }
    }

    /** For streamed responses the deadline outlives the returned future: enforce it here. */
    private void enforce(Deadline deadline) {
        deadlineTimer = deadline.runOnExpiration(() -> {
            fail(new DeadlineExceededException(method.fullName() + ": deadline exceeded calling " + call.target()));
            cancel();
        }, scheduler);
    }

    private void stopTimer() {
        Scheduler.Task timer = deadlineTimer;
        if (timer != null) {
            timer.cancel();
        }
    }
}
