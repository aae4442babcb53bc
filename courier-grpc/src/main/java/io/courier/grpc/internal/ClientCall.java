package io.courier.grpc.internal;

import io.courier.Scheduler;
import io.courier.Call;
import io.courier.CancelledException;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.InternalException;
import io.courier.ResourceExhaustedException;
import io.courier.UnavailableException;
import io.courier.contract.MethodDescriptor;
import io.courier.grpc.MessageCodec;
import io.courier.internal.Errors;
import io.courier.internal.PeerLossLog;
import io.courier.spi.WireHeaders;
import io.courier.spi.WireText;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.WireFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * One gRPC call from the client: sends the request message(s), reads the response message(s)
 * and the status. A call whose responses stream completes at once with a {@link Stream} the
 * caller iterates (errors surface there); its requests, if streamed, are pulled from the
 * caller's {@link Stream} on a virtual thread as the connection takes them. A small unary answer
 * is decoded and completes the future on the event loop, so callbacks chained on it run there.
 */
final class ClientCall {
    private final Call call;
    /** The full rpc name, {@code package.Service/Method}. */
    private final String rpc;
    private final MethodDescriptor method;
    private final MessageCodec codec;
    private final WireFormat format;
    /** The event loop of {@code client}'s connections: every step that touches the stream runs there. */
    private final Context loop;
    private final GrpcClient client;
    private final Executor workers;
    private final Scheduler scheduler;
    private final PeerLossLog peers;
    /** When this call started, as {@link PeerLossLog} orders starts and losses. */
    private long started;
    private final CompletableFuture<Object> result = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile GrpcClientRequest<Buffer, Buffer> request;
    private volatile Thread sender;
    private volatile boolean sent;
    private volatile Scheduler.Task deadlineTimer;
    private Inbound inbound;
    /** The largest response message, inflated or not. */
    private final int maxMessageBytes;

    ClientCall(Call call, String rpc, MessageCodec codec, WireFormat format, Context loop, GrpcClient client,
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
        client.request(SocketAddress.inetSocketAddress(port, host())).onComplete(ar -> {
            if (ar.failed()) {
                peers.lost(call.target(), method.fullName(), ar.cause());
                fail(new UnavailableException("cannot reach " + call.target() + " for " + method.fullName() + ": "
                        + VertxTls.reason(ar.cause()), Map.of(), true, null));
                return;
            }
            GrpcClientRequest<Buffer, Buffer> req = ar.result();
            request = req;
            GrpcClientTransport.watch(req.connection());
            if (ended.get()) {
                req.cancel();
                return;
            }
            req.fullMethodName(rpc);
            req.format(format);
            headers(req.headers());
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
                req.end(Buffer.buffer(message));
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
    }

    /** Pulls the caller's request stream and sends each element as the connection takes it. */
    @SuppressWarnings("unchecked")
    private void sendStream() {
        sender = Thread.currentThread();
        Outbound out = new Outbound(loop, request);
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
            loop.runOnContext(v -> request.end());
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

    /**
     * The bytes of response message {@code m}, inflated if it came compressed, within
     * {@link #maxMessageBytes}: Vert.x would inflate a message whole, and a few kilobytes of gzip
     * can be gigabytes. Null when the message is refused; the call has then failed.
     */
    private byte[] payload(GrpcMessage m) {
        String encoding = m.encoding();
        Buffer payload = m.payload();
        if (encoding == null || encoding.equals("identity")) {
            return payload.getBytes();
        }
        if (!encoding.equals("gzip")) {
            return refuse(new InternalException(method.fullName() + ": " + call.target() + " answered a message compressed"
                    + " with \"" + WireText.bounded(encoding, 64) + "\" (expected: gzip or identity)"));
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(payload.getBytes()))) {
            byte[] inflated = in.readNBytes(maxMessageBytes + 1);
            if (inflated.length > maxMessageBytes) {
                return refuse(new ResourceExhaustedException(method.fullName() + ": a response message from "
                        + call.target() + " of more than " + maxMessageBytes + " bytes once inflated (expected: at most "
                        + maxMessageBytes + " bytes, the client's maxBodyBytes)", Map.of(), false));
            }
            return inflated;
        } catch (IOException e) {
            return refuse(new InternalException(method.fullName() + ": a response message from " + call.target()
                    + " is not valid gzip (" + e.getMessage() + ") (expected: a gzip stream, as grpc-encoding says)"));
        }
    }

    private byte[] refuse(CourierException error) {
        fail(error);
        cancel();
        return null;
    }

    private void receive(GrpcClientResponse<Buffer, Buffer> response) {
        peers.answered(call.target(), started);
        // A message over maxMessageBytes is refused by Vert.x's reader before it is kept; said so,
        // rather than as the stream's failure without a message.
        response.invalidMessageHandler(invalid -> refuse(invalid instanceof MessageSizeOverflowException over
                ? new ResourceExhaustedException(method.fullName() + ": a response message from " + call.target() + " of "
                        + over.messageSize() + " bytes (expected: at most " + maxMessageBytes
                        + " bytes, the client's maxBodyBytes)", Map.of(), false)
                : new InternalException(method.fullName() + ": " + call.target() + " answered a message that cannot be"
                        + " read (" + invalid + ")")));
        if (inbound != null) {
            response.messageHandler(m -> {
                byte[] bytes = payload(m);
                if (bytes != null) {
                    inbound.push(bytes);
                }
            });
            response.pause();
            Context ctx = loop;
            inbound.attach(n -> ctx.runOnContext(v -> response.fetch(n)));
        } else {
            List<byte[]> messages = new ArrayList<>(1);
            response.messageHandler(m -> {
                if (ended.get()) {
                    return;
                }
                if (!messages.isEmpty()) {
                    // Not kept: a server that sends message after message must not fill the heap.
                    fail(new InternalException(method.fullName() + ": more than one response message from "
                            + call.target() + " (expected: exactly one)"));
                    cancel();
                    return;
                }
                byte[] bytes = payload(m);
                if (bytes != null) {
                    messages.add(bytes);
                }
            });
            response.endHandler(v -> {
                if (response.status() != GrpcStatus.OK) {
                    fail(error(response));
                } else if (messages.size() != 1) {
                    fail(new InternalException(method.fullName() + ": " + messages.size()
                            + " response messages from " + call.target() + " (expected: exactly one)"));
                } else {
                    decodeAndComplete(messages.get(0));
                }
            });
            response.exceptionHandler(this::failed);
            return;
        }
        response.endHandler(v -> {
            if (response.status() != GrpcStatus.OK) {
                fail(error(response));
            } else if (ended.compareAndSet(false, true)) {
                stopTimer();
                inbound.end();
            }
        });
        response.exceptionHandler(this::failed);
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
     * The error a non-OK answer carries, read from the trailers, or from the headers of a
     * trailers-only answer; the message decoded as PROTOCOL-HTTP2.md encodes it (Vert.x's own
     * decoding would turn a '+' into a space).
     */
    private CourierException error(GrpcClientResponse<Buffer, Buffer> response) {
        MultiMap trailers = response.trailers();
        MultiMap headers = response.headers();
        String code = read(Trailers.STATUS, trailers, headers);
        // Vert.x knows no status outside 0-16 (grpc-status: 99): null here, UNKNOWN to the caller.
        int status = response.status() == null ? GrpcStatus.UNKNOWN.code : response.status().code;
        if (code != null) {
            try {
                status = Integer.parseInt(code.trim());
            } catch (NumberFormatException e) {
                status = GrpcStatus.UNKNOWN.code;
            }
        }
        return Trailers.error(status, Trailers.percentDecode(read(Trailers.MESSAGE, trailers, headers)),
                read(Trailers.DETAILS, trailers, headers), read(Trailers.RETRY_SAFE, trailers, headers));
    }

    private static String read(String name, MultiMap trailers, MultiMap headers) {
        String value = trailers != null ? trailers.get(name) : null;
        return value != null ? value : headers.get(name);
    }

    /** A failure of the stream itself: reset, closed connection, not a gRPC answer. */
    private void failed(Throwable t) {
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
        GrpcClientRequest<Buffer, Buffer> req = request;
        Context ctx = loop;
        if (req != null && ctx != null) {
            ctx.runOnContext(v -> req.cancel());
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
