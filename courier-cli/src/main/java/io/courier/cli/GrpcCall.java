package io.courier.cli;

import io.courier.Status;
import io.courier.grpc.internal.Trailers;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One gRPC call without stubs: the request's JSON in one {@code application/grpc+json} message
 * over HTTP/2 cleartext (prior knowledge), which a Courier server decodes with the method's own
 * types; the answer's messages as JSON, and its status, message and Courier's error trailers
 * ({@code courier-details-bin}, {@code courier-retry-safe}). Plain Vert.x HTTP/2 (cleartext, or
 * TLS with ALPN), so that the trailers are read; closed after the call.
 */
final class GrpcCall implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpClientAgent client;
    private final Duration timeout;
    private final int maxAnswer;

    /** An answer that came but cannot be used: larger than the bound, or not length-prefixed messages. */
    static final class UnusableAnswerException extends java.io.IOException {
        UnusableAnswerException(String message) {
            super(message);
        }
    }

    /** What came back: the HTTP status, the gRPC status, its message, the messages, Courier's error trailers. */
    record Answer(int httpStatus, int grpcStatus, String message, List<byte[]> messages, Map<String, String> details,
                  boolean retrySafe) {
        boolean ok() {
            return httpStatus == 200 && grpcStatus == 0;
        }

        /** The status's name, e.g. {@code NOT_FOUND}. */
        String statusName() {
            return grpcStatus < 0 ? "NO gRPC STATUS" : Status.fromGrpc(grpcStatus).name();
        }
    }

    /**
     * Calls over HTTP/2 cleartext, or over TLS with {@code tls} unless it is null; an answer's
     * messages larger than {@code maxAnswer} bytes in all are refused.
     */
    GrpcCall(Duration timeout, TlsOptions tls, int maxAnswer) {
        this.timeout = timeout;
        this.maxAnswer = maxAnswer;
        HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setConnectTimeout((int) Math.min(timeout.toMillis(), 5_000));
        this.client = vertx.createHttpClient(tls == null ? options : tls.applyTo(options));
    }

    /**
     * Calls {@code path} ({@code /package.Service/Rpc}) at {@code target} ({@code grpc://HOST:PORT} or {@code grpcs://})
     * with {@code json} as the request message.
     *
     * @throws java.io.IOException when nothing answers, or not within the timeout
     */
    Answer call(URI target, String path, String json) throws java.io.IOException {
        byte[] message = json.getBytes(StandardCharsets.UTF_8);
        Buffer frame = Buffer.buffer(5 + message.length).appendByte((byte) 0).appendInt(message.length).appendBytes(message);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(target.getHost())
                .setPort(target.getPort()).setURI(path)
                .putHeader("content-type", "application/grpc+json").putHeader("te", "trailers")
                .putHeader("grpc-timeout", timeout.toMillis() + "m").putHeader("courier-caller", "courier-cli");
        java.util.concurrent.atomic.AtomicBoolean began = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            return client.request(options)
                    .compose(request -> request.send(frame))
                    .compose(response -> {
                        began.set(true);
                        return boundedBody(response).compose(body -> {
                            try {
                                return io.vertx.core.Future.succeededFuture(answer(response.statusCode(),
                                        response.headers(), response.trailers(), body));
                            } catch (UnusableAnswerException malformed) {
                                return io.vertx.core.Future.failedFuture(malformed);
                            }
                        });
                    })
                    // a second more than the deadline sent, for the server's own DEADLINE_EXCEEDED to arrive
                    .toCompletionStage().toCompletableFuture().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnusableAnswerException unusable) {
                throw unusable;
            }
            throw new java.io.IOException(cause instanceof java.net.ConnectException
                    || String.valueOf(cause.getMessage()).startsWith("Connection refused")
                    ? "connection refused (nothing listens there)"
                    : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        } catch (TimeoutException e) {
            if (began.get()) {
                throw new UnusableAnswerException("the answer began but did not end within " + timeout.toSeconds()
                        + " s (expected: a whole answer by the deadline; the messages kept coming)");
            }
            throw new java.io.IOException("no answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException("interrupted", e);
        }
    }

    /** The response's body, failed (and the stream reset) once it passes {@link #maxAnswer}. */
    private io.vertx.core.Future<Buffer> boundedBody(io.vertx.core.http.HttpClientResponse response) {
        io.vertx.core.Promise<Buffer> whole = io.vertx.core.Promise.promise();
        Buffer body = Buffer.buffer();
        response.exceptionHandler(whole::tryFail);
        response.handler(chunk -> {
            if (whole.future().isComplete()) {
                return;
            }
            if ((long) body.length() + chunk.length() > maxAnswer) {
                whole.tryFail(new UnusableAnswerException("the answer is larger than " + BoundedAnswer.size(maxAnswer)
                        + " (expected: at most " + BoundedAnswer.size(maxAnswer) + " of messages; the rest was not read)"));
                response.request().reset();
                return;
            }
            body.appendBuffer(chunk);
        });
        response.endHandler(v -> whole.tryComplete(body));
        return whole.future();
    }

    private static Answer answer(int httpStatus, MultiMap headers, MultiMap trailers, Buffer body)
            throws UnusableAnswerException {
        // A failure before any message comes "trailers-only": the status in the headers.
        MultiMap where = trailers.contains("grpc-status") ? trailers : headers;
        int status;
        try {
            status = Integer.parseInt(where.get("grpc-status"));
        } catch (NumberFormatException | NullPointerException e) {
            status = -1;
        }
        List<byte[]> messages = new ArrayList<>();
        ByteBuffer bytes = ByteBuffer.wrap(body.getBytes());
        while (bytes.hasRemaining()) {
            if (bytes.remaining() < 5) {
                throw malformed(messages.size(), "ends after "
                        + bytes.remaining() + " byte(s) of a 5-byte message header");
            }
            bytes.get(); // compressed flag: a Courier server does not compress unless asked
            int length = bytes.getInt();
            if (length < 0 || length > bytes.remaining()) {
                throw malformed(messages.size(), "declares "
                        + Integer.toUnsignedString(length) + " bytes, " + bytes.remaining() + " follow");
            }
            byte[] m = new byte[length];
            bytes.get(m);
            messages.add(m);
        }
        String message = Trailers.percentDecode(where.get("grpc-message"));
        return new Answer(httpStatus, status, message == null ? "" : message, messages,
                Trailers.decodeDetails(where.get("courier-details-bin")), Boolean.parseBoolean(where.get("courier-retry-safe")));
    }

    private static UnusableAnswerException malformed(int index, String what) {
        return new UnusableAnswerException("the answer's message " + (index + 1) + " " + what
                + " (expected: gRPC messages, each a flag byte, a 4-byte length and that many bytes)");
    }

    @Override
    public void close() {
        client.close();
        vertx.close();
    }
}
