package io.courier.grpc.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.courier.CourierException;
import io.courier.ResourceExhaustedException;
import io.courier.Status;
import io.courier.spi.WireText;
import io.vertx.core.MultiMap;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trailers that carry a Courier error beyond {@code grpc-status} and {@code grpc-message}:
 * {@value #DETAILS}, the details as a Protobuf {@code map<string, string>} at field 1 (base64,
 * as every {@code -bin} value), {@value #RETRY_SAFE}, {@code true} or {@code false}, and for an
 * error that says when to come back, {@value #PUSHBACK}. Its readers are exported to
 * {@code courier-cli}, whose {@code call --transport grpc} reads the same trailers.
 */
public final class Trailers {
    static final String DETAILS = "courier-details-bin";
    static final String RETRY_SAFE = "courier-retry-safe";
    /** gRPC's server pushback (A6-client-retries.md): how long a retrying client waits, in milliseconds. */
    static final String PUSHBACK = "grpc-retry-pushback-ms";

    static final String STATUS = "grpc-status";
    static final String MESSAGE = "grpc-message";

    private Trailers() {
    }

    /**
     * Ends {@code response} with {@code error}'s status, its message bounded by {@link WireText}
     * and percent-encoded as PROTOCOL-HTTP2.md says, its bounded details and whether a retry is
     * safe. The message is set here, not through Vert.x, which encodes more than the spec's bytes.
     */
    static void end(GrpcServerResponse<?, ?> response, CourierException error) {
        MultiMap trailers = response.trailers();
        Map<String, String> details = WireText.details(error.details());
        if (!details.isEmpty()) {
            trailers.set(DETAILS, encodeDetails(details));
        }
        trailers.set(RETRY_SAFE, Boolean.toString(error.retrySafe()));
        Duration retryAfter = ResourceExhaustedException.retryAfter(error);
        if (retryAfter != null) {
            trailers.set(PUSHBACK, Long.toString(retryAfter.toMillis()));
        }
        end(response, error.status().grpcCode(), error.getMessage());
    }

    /** Ends {@code response} with a status other than OK and {@code message}, bounded and encoded. */
    static void end(GrpcServerResponse<?, ?> response, int code, String message) {
        response.trailers().set(MESSAGE, percentEncode(WireText.message(message)));
        response.status(GrpcStatus.valueOf(code)).end();
    }

    /**
     * {@code message} as a {@code grpc-message} value: its UTF-8 bytes, each outside 0x20-0x7E
     * and each '%' written as {@code %XX}, the rest as they are (PROTOCOL-HTTP2.md).
     */
    static String percentEncode(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    /**
     * A {@code grpc-message} value read back: each {@code %XX} a byte, the rest as they are, then
     * UTF-8; a '%' not followed by two hex digits stays as it is, as the spec asks of a reader.
     */
    public static String percentDecode(String value) {
        if (value == null || value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int hi;
            int lo;
            if (c == '%' && i + 2 < value.length() && (hi = Character.digit(value.charAt(i + 1), 16)) >= 0
                    && (lo = Character.digit(value.charAt(i + 2), 16)) >= 0) {
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    static String encodeDetails(Map<String, String> details) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            for (Map.Entry<String, String> e : details.entrySet()) {
                int size = CodedOutputStream.computeStringSize(1, e.getKey()) + CodedOutputStream.computeStringSize(2, e.getValue());
                out.writeTag(1, 2);
                out.writeUInt32NoTag(size);
                out.writeString(1, e.getKey());
                out.writeString(2, e.getValue());
            }
            out.flush();
            return Base64.getEncoder().withoutPadding().encodeToString(bytes.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The details in a trailer value; empty when it is missing or unreadable (details are a courtesy). */
    public static Map<String, String> decodeDetails(String value) {
        Map<String, String> details = new LinkedHashMap<>();
        if (value == null || value.isEmpty()) {
            return details;
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(Base64.getDecoder().decode(value.trim()));
            while (!in.isAtEnd()) {
                int tag = in.readTag();
                if (tag != (1 << 3 | 2)) {
                    in.skipField(tag);
                    continue;
                }
                int limit = in.pushLimit(in.readRawVarint32());
                String key = "";
                String val = "";
                while (!in.isAtEnd()) {
                    int t = in.readTag();
                    switch (t >>> 3) {
                        case 1 -> key = in.readString();
                        case 2 -> val = in.readString();
                        default -> in.skipField(t);
                    }
                }
                in.popLimit(limit);
                details.put(key, val);
            }
        } catch (IOException | IllegalArgumentException e) {
            return Map.of();
        }
        return details;
    }

    /** The exception for a non-OK status received from a peer. */
    static CourierException error(int code, String message, String details, String retrySafe) {
        Status status = Status.fromGrpc(code);
        if (status == Status.OK) {
            status = Status.UNKNOWN;
        }
        // Bounded as a Courier server bounds what it sends: another server may send anything.
        String text = message == null || message.isEmpty() ? "gRPC status " + status : WireText.message(message);
        boolean safe = retrySafe == null ? CourierException.defaultRetrySafe(status) : Boolean.parseBoolean(retrySafe);
        return CourierException.of(status, text, WireText.details(decodeDetails(details)), safe);
    }
}
