package io.courier.cli;

import io.courier.Status;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One gRPC call without stubs: the request's JSON in one {@code application/grpc+json} message
 * over HTTP/2 cleartext (prior knowledge), which a Courier server decodes with the method's own
 * types; the answer's messages as JSON, and its status, message and Courier's error trailers
 * ({@code courier-details-bin}, {@code courier-retry-safe}). Plain Vert.x HTTP/2, so that the
 * trailers are read; closed after the call.
 */
final class GrpcCall implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpClientAgent client;
    private final Duration timeout;

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

    GrpcCall(Duration timeout) {
        this.timeout = timeout;
        this.client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setConnectTimeout((int) Math.min(timeout.toMillis(), 5_000)));
    }

    /**
     * Calls {@code path} ({@code /package.Service/Rpc}) at {@code target} ({@code grpc://HOST:PORT})
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
        try {
            return client.request(options)
                    .compose(request -> request.send(frame))
                    .compose(response -> response.body().map(body -> answer(response.statusCode(), response.headers(),
                            response.trailers(), body)))
                    .toCompletionStage().toCompletableFuture().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new java.io.IOException(cause instanceof java.net.ConnectException
                    || String.valueOf(cause.getMessage()).startsWith("Connection refused")
                    ? "connection refused (nothing listens there)"
                    : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new java.io.IOException("no answer within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException("interrupted", e);
        }
    }

    private static Answer answer(int httpStatus, MultiMap headers, MultiMap trailers, Buffer body) {
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
        while (bytes.remaining() >= 5) {
            bytes.get(); // compressed flag: a Courier server does not compress unless asked
            int length = bytes.getInt();
            byte[] m = new byte[Math.min(length, bytes.remaining())];
            bytes.get(m);
            messages.add(m);
        }
        return new Answer(httpStatus, status, percentDecode(where.get("grpc-message")), messages,
                details(where.get("courier-details-bin")), Boolean.parseBoolean(where.get("courier-retry-safe")));
    }

    /** A {@code grpc-message} value read back: each {@code %XX} one byte, then UTF-8 (PROTOCOL-HTTP2.md). */
    static String percentDecode(String value) {
        if (value == null) {
            return "";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int hi;
            int lo;
            if (c == '%' && i + 2 < value.length() && (hi = Character.digit(value.charAt(i + 1), 16)) >= 0
                    && (lo = Character.digit(value.charAt(i + 2), 16)) >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The details in {@code courier-details-bin}: base64 of a Protobuf {@code map<string, string>}
     * at field 1, read here field by field; empty when missing or unreadable (details are a courtesy).
     */
    static Map<String, String> details(String value) {
        Map<String, String> details = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return details;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(Base64.getDecoder().decode(value.trim()));
            while (in.hasRemaining()) {
                int tag = varint(in);
                int length = varint(in);
                ByteBuffer entry = in.slice(in.position(), length);
                in.position(in.position() + length);
                if (tag != (1 << 3 | 2)) {
                    continue;
                }
                String key = "";
                String val = "";
                while (entry.hasRemaining()) {
                    int field = varint(entry);
                    byte[] text = new byte[varint(entry)];
                    entry.get(text);
                    if (field >>> 3 == 1) {
                        key = new String(text, StandardCharsets.UTF_8);
                    } else if (field >>> 3 == 2) {
                        val = new String(text, StandardCharsets.UTF_8);
                    }
                }
                details.put(key, val);
            }
            return details;
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static int varint(ByteBuffer in) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = in.get();
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }

    @Override
    public void close() {
        client.close();
        vertx.close();
    }
}
