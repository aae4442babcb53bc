package io.courier.grpc.internal;

import io.courier.CourierException;
import io.courier.Status;
import io.courier.spi.WireText;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * An answer to a gRPC call that is not gRPC: an HTTP status other than 200, or a content type
 * other than {@code application/grpc[+format]}, as a proxy or a plain web server in front of
 * the peer gives. Its status follows gRPC's HTTP-to-status table (http-grpc-status-mapping.md),
 * and whether a retry is safe follows the status, as it does for a REST answer without a problem.
 */
final class NonGrpcAnswer {
    private NonGrpcAnswer() {
    }

    /**
     * Whether {@code contentType} is gRPC's: {@code application/grpc}, alone or followed by
     * {@code +format} or parameters, in any case; {@code application/grpc-web} is another protocol.
     */
    static boolean isGrpc(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.trim().toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/grpc")) {
            return false;
        }
        int after = "application/grpc".length();
        return type.length() == after || type.charAt(after) == '+' || type.charAt(after) == ';';
    }

    /** The status for HTTP status {@code http} on an answer that carried no gRPC status. */
    static Status status(int http) {
        return switch (http) {
            case 400 -> Status.INTERNAL;
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 404 -> Status.UNIMPLEMENTED;
            case 429, 502, 503, 504 -> Status.UNAVAILABLE;
            default -> Status.UNKNOWN;
        };
    }

    /** The error for an answer with HTTP status {@code http} and {@code contentType} (null when absent). */
    static CourierException error(String rpc, URI target, int http, String contentType) {
        Status status = status(http);
        String type = contentType == null ? "no content-type" : "content-type \"" + WireText.bounded(contentType, 64) + "\"";
        return CourierException.of(status, rpc + ": " + target + " answered HTTP " + http + " with " + type
                + ", not gRPC (expected: HTTP 200 with content-type application/grpc)", Map.of(),
                CourierException.defaultRetrySafe(status));
    }
}
