package io.courier.grpc.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.courier.CourierException;
import io.courier.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trailers that carry a Courier error beyond {@code grpc-status} and {@code grpc-message}:
 * {@value #DETAILS}, the details as a Protobuf {@code map<string, string>} at field 1 (base64,
 * as every {@code -bin} value), and {@value #RETRY_SAFE}, {@code true} or {@code false}.
 */
final class Trailers {
    static final String DETAILS = "courier-details-bin";
    static final String RETRY_SAFE = "courier-retry-safe";

    private Trailers() {
    }

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
    static Map<String, String> decodeDetails(String value) {
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
        String text = message == null || message.isEmpty() ? "gRPC status " + status : message;
        boolean safe = retrySafe == null ? CourierException.defaultRetrySafe(status) : Boolean.parseBoolean(retrySafe);
        return CourierException.of(status, text, decodeDetails(details), safe);
    }
}
