package io.courier.grpc.internal;

import io.courier.CallContext;
import io.courier.CancelledException;
import io.courier.Clock;
import io.courier.CourierException;
import io.courier.Deadline;
import io.courier.DeadlineExceededException;
import io.courier.InternalException;
import io.courier.InvalidArgumentException;
import io.courier.MessageSizes;
import io.courier.Metadata;
import io.courier.Scheduler;
import io.courier.Ticker;
import io.courier.contract.MethodDescriptor;
import io.courier.contract.ServiceDescriptor;
import io.courier.grpc.MessageCodec;
import io.courier.http.internal.vertx.VertxTls;
import io.courier.internal.Errors;
import io.courier.spi.ServerDispatcher;
import io.courier.spi.WireHeaders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC call on the server: reads the request message(s), hands the call to the dispatcher,
 * and writes the response message(s) and the status. Everything that touches the stream runs
 * on its event loop. A small unary request is decoded and dispatched right there (the
 * dispatcher moves a blocking method to a virtual thread and runs one returning a future in
 * place); a large one, and the messages of streaming calls, are decoded on virtual threads.
 */
final class ServerCall {
    private static final Logger log = LoggerFactory.getLogger(ServerCall.class);
    /** Request headers that are the protocol's, not the call's metadata. */
    private static final Set<String> RESERVED = Set.of("content-type", "te", "user-agent", "host", "content-length",
            "accept", "accept-encoding", "connection", "origin", "referer", "x-grpc-web", "x-user-agent",
            WireHeaders.CALLER, WireHeaders.TIMEOUT);

    private final GrpcServerRequest<Buffer, Buffer> request;
    private final HttpServerRequest http;
    private final int maxMessageBytes;
    private final GrpcServerResponse<Buffer, Buffer> response;
    private final Context loop;
    private final ServiceDescriptor service;
    private final MethodDescriptor method;
    /** Names the request in errors: {@code request of <method>}. */
    private final String what;
    private final MessageCodec codec;
    private final ServerDispatcher dispatcher;
    private final Executor workers;
    private final Clock clock;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final List<byte[]> received = new ArrayList<>(1);
    private volatile CompletableFuture<Object> dispatched;
    private volatile Thread streamer;
    private volatile Scheduler.Task deadlineTimer;
    /** Set on the event loop when the peer reset the stream or closed the connection: nothing may be written. */
    private volatile boolean gone;
    private CallContext context;
    /** The sizes of the messages, for the server interceptors (metrics). */
    private final MessageSizes sizes = MessageSizes.create();
    /** Whether the answer's writes may be watched; false once looked up and not (the write timeout off). */
    private boolean watchable = true;
    /** The watch of the answer's writes (the write timeout), made at its first write; event loop only. */
    private WriteWatch watch;
    /** Whether the answer's head was written; event loop only. */
    private boolean headWritten;
    /** Whether the answer is gzipped. */
    private boolean gzip;

    ServerCall(GrpcServerRequest<Buffer, Buffer> request, HttpServerRequest http, int maxMessageBytes, Context loop,
               ServiceDescriptor service, MethodDescriptor method, String what, MessageCodec codec,
               ServerDispatcher dispatcher, Executor workers, Clock clock) {
        this.request = request;
        this.http = http;
        this.maxMessageBytes = maxMessageBytes;
        this.response = request.response();
        this.loop = loop;
        this.service = service;
        this.method = method;
        this.what = what;
        this.codec = codec;
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.clock = clock;
    }

    void start() {
        try {
            context = context(request.headers(), clock).withSizes(sizes).withPeer(VertxTls.peer(http.connection()))
                    .withRemoteAddress(remoteAddress(http.connection()));
        } catch (IllegalArgumentException e) {
            finish(new InvalidArgumentException("grpc-timeout: " + e.getMessage()));
            return;
        }
        String encoding = request.headers().get("grpc-encoding");
        if ("gzip".equals(encoding) && acceptsGzip(request.headers().get("grpc-accept-encoding"))) {
            // A client that compresses its messages gets compressed answers; others (most send
            // grpc-accept-encoding: gzip by default) are not made to pay for inflating small ones.
            response.encoding("gzip");
            gzip = true;
        }
        // The peer reset the stream or closed the connection: the stream is gone, so the call
        // stops without writing to it (a reset of a reset stream fails inside Vert.x).
        request.errorHandler(error -> peerGone());
        request.exceptionHandler(failure -> peerGone());
        response.exceptionHandler(failure -> peerGone());
        // The body is read here, not by Vert.x's deframer, so that every malformed frame ends in a status.
        RequestReader reader = new RequestReader(http, encoding, maxMessageBytes, what);
        if (method.streaming().requests()) {
            Inbound inbound = new Inbound(bytes -> {
                sizes.request(bytes.length);
                return codec.decodeRequest(bytes)[0];
            }, this::cancel);
            http.pause();
            reader.start(inbound::push, inbound::end, error -> {
                inbound.fail(error);
                finish(error);
            });
            inbound.attach(n -> loop.runOnContext(v -> reader.fetch(n)));
            workers.execute(() -> dispatch(new Object[] {inbound.stream()}));
        } else {
            reader.start(message -> {
                if (!received.isEmpty()) {
                    // grpc-java's server answers a second message of a unary call the same way.
                    throw new InternalException(method.fullName() + ": too many request messages"
                            + " (expected: exactly one for a unary call)");
                }
                received.add(message);
            }, () -> {
                if (received.isEmpty()) {
                    finish(new InternalException(method.fullName() + ": no request message"
                            + " (expected: exactly one for a unary call)"));
                    return;
                }
                byte[] bytes = received.get(0);
                if (bytes.length > GrpcTransport.INLINE_MESSAGE_BYTES) {
                    workers.execute(() -> decodeAndDispatch(bytes));
                } else {
                    // A small message decodes in microseconds: a thread hop would cost more.
                    decodeAndDispatch(bytes);
                }
            }, this::finish);
        }
    }

    private void decodeAndDispatch(byte[] bytes) {
        sizes.request(bytes.length);
        Object[] args;
        try {
            args = codec.decodeRequest(bytes);
        } catch (RuntimeException e) {
            finish(Errors.fromRequest(e, method));
            return;
        }
        dispatch(args);
    }

    private void dispatch(Object[] args) {
        if (finished.get()) {
            return;
        }
        CompletableFuture<Object> result = dispatcher.dispatch(service, method, args, context);
        dispatched = result;
        result.whenComplete((value, failure) -> {
            // A one-way call's future completes once the call is taken (its handler started): the
            // caller learns only that, or what refused the call before the handler.
            if (failure != null) {
                finish(Errors.fromServer(failure, method));
            } else if (method.streaming().responses()) {
                workers.execute(() -> stream((Stream<?>) value));
            } else {
                byte[] bytes;
                try {
                    bytes = codec.encodeResponse(value);
                } catch (RuntimeException e) {
                    finish(Errors.fromServer(e, method));
                    return;
                }
                sizes.response(bytes.length);
                finishOk(bytes);
            }
        });
    }

    /** Sends the responses of a streaming method as the implementation's stream yields them. */
    private void stream(Stream<?> responses) {
        if (responses == null) {
            finish(Errors.fromServer(new IllegalStateException(method.fullName() + " returned null (expected: a Stream)"),
                    method));
            return;
        }
        streamer = Thread.currentThread();
        context.deadline().ifPresent(d -> deadlineTimer = d.runOnExpiration(() -> {
            if (finish(new DeadlineExceededException(method.fullName() + ": deadline exceeded while streaming"))) {
                interruptStreamer();
            }
        }, clock));
        Outbound out = new Outbound(loop, response, this::send);
        try (responses) {
            context.run(() -> {
                Iterator<?> it = responses.iterator();
                while (!finished.get() && it.hasNext()) {
                    byte[] bytes = codec.encodeResponse(it.next());
                    sizes.response(bytes.length);
                    out.write(bytes);
                }
            });
            finishOk(null);
        } catch (RuntimeException e) {
            finish(finished.get() ? new CancelledException(method.fullName() + " was cancelled") : Errors.fromServer(e, method));
        } finally {
            streamer = null;
            Thread.interrupted(); // a late interrupt must not leak into the next task of this thread
        }
    }

    /** The server gives up the call (its request stream was closed early): reset the stream and stop the work. */
    private void cancel() {
        if (finished.compareAndSet(false, true)) {
            cleanup();
            loop.runOnContext(v -> {
                if (!gone) {
                    response.cancel();
                }
            });
        }
        interruptStreamer();
    }

    /** The peer reset the stream or went away: stop the work; there is nobody to write to. */
    private void peerGone() {
        gone = true;
        if (finished.compareAndSet(false, true)) {
            cleanup();
            log.debug("{}: the client went away; cancelling the call", method.fullName());
        }
        interruptStreamer();
    }

    private void interruptStreamer() {
        CompletableFuture<Object> d = dispatched;
        if (d != null) {
            d.cancel(true);
        }
        Thread t = streamer;
        if (t != null) {
            t.interrupt();
        }
    }

    private void finishOk(byte[] message) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        cleanup();
        onLoop(() -> {
            if (gone) {
                return;
            }
            if (message == null) {
                watch(response.end());
            } else if (message.length > AnswerParts.PART && watch() != null) {
                endInParts(message);
            } else {
                watch(response.end(Buffer.buffer(message)));
            }
        });
    }

    /** Writes a message of a streaming answer, on the event loop. */
    private void send(byte[] message) {
        if (gone) {
            throw new CancelledException(method.fullName() + ": the client went away or stopped reading");
        }
        if (message.length > AnswerParts.PART && watch() != null) {
            writeInParts(message);
        } else {
            watch(response.write(Buffer.buffer(message)));
        }
        headWritten = true;
    }

    /** Writes a large answer in parts, watched, and ends it once they have all left. */
    private void endInParts(byte[] message) {
        writeInParts(message).onSuccess(written -> {
            if (!gone) {
                watch(response.end());
            }
        });
    }

    private Future<Void> writeInParts(byte[] message) {
        if (!headWritten) {
            response.writeHead();
            headWritten = true;
        }
        String type = http.getHeader("content-type");
        boolean text = type != null && type.startsWith("application/grpc-web-text");
        return AnswerParts.write(http.response(), message, gzip, text, watch);
    }

    /** The watch of this answer's writes, made at the first; null when they are not watched. */
    private WriteWatch watch() {
        if (watch == null && watchable) {
            watch = WriteWatch.of(http, this::abandoned);
            watchable = watch != null;
        }
        return watch;
    }

    private void watch(Future<Void> write) {
        WriteWatch w = watch();
        if (w != null) {
            w.writing(write);
        }
    }

    /**
     * No byte of the answer left for the write timeout while some waited (a client that keeps its
     * connection busy and does not read): the call stops as when the client goes away, nothing more
     * is written, and its stream is then reset (see {@link WriteWatch}). On the event loop.
     */
    private void abandoned() {
        gone = true;
        if (finished.compareAndSet(false, true)) {
            cleanup();
        }
        log.debug("{}: no byte of the answer left within the write timeout (the client does not read); abandoned",
                method.fullName());
        interruptStreamer();
    }

    /**
     * Runs {@code write} on the stream's event loop: at once when already there (a method
     * answered in place, an error found while reading), so the answer goes out with the other
     * writes of the same read and shares their flush; else as a task of that loop.
     */
    private void onLoop(Runnable write) {
        if (Vertx.currentContext() == loop) {
            write.run();
        } else {
            loop.runOnContext(v -> write.run());
        }
    }

    /** Ends the call with {@code error}; false when it had already ended. */
    private boolean finish(CourierException error) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        cleanup();
        onLoop(() -> {
            if (gone) {
                return;
            }
            Trailers.end(response, error);
        });
        return true;
    }

    private void cleanup() {
        Scheduler.Task timer = deadlineTimer;
        if (timer != null) {
            timer.cancel();
        }
    }

    private static boolean acceptsGzip(String accepted) {
        if (accepted == null) {
            return false;
        }
        for (String e : accepted.split(",")) {
            if (e.trim().equalsIgnoreCase("gzip")) {
                return true;
            }
        }
        return false;
    }

    private static String remoteAddress(io.vertx.core.http.HttpConnection connection) {
        io.vertx.core.net.SocketAddress address = connection.remoteAddress();
        return address == null ? null : address.hostAddress();
    }

    private static CallContext context(MultiMap headers, Ticker ticker) {
        Metadata metadata = Metadata.empty();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(":") || name.startsWith("grpc-") || RESERVED.contains(name)) {
                continue;
            }
            metadata = metadata.with(name, h.getValue());
        }
        CallContext context = CallContext.empty().withTransport("grpc").withMetadata(metadata).withCaller(headers.get(WireHeaders.CALLER));
        String timeout = headers.get("grpc-timeout");
        if (timeout != null) {
            context = context.withDeadline(Deadline.after(WireHeaders.parseTimeout(timeout), ticker));
        }
        return context;
    }
}
