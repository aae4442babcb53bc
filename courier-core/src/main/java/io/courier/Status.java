package io.courier;

/**
 * The outcome of a call, modelled on gRPC's status codes, with the HTTP status each maps to.
 *
 * <p>Every error that crosses the wire carries one of these codes: over REST as the HTTP status
 * plus a {@code code} member of the problem body, over gRPC as {@code grpc-status}, over a
 * broker as a message header. {@link #fromHttp(int)} and {@link #fromGrpc(int)} read the code
 * back from peers that send only their own protocol's status.
 */
public enum Status {
    OK(0, 200),
    CANCELLED(1, 499),
    UNKNOWN(2, 500),
    INVALID_ARGUMENT(3, 400),
    DEADLINE_EXCEEDED(4, 504),
    NOT_FOUND(5, 404),
    ALREADY_EXISTS(6, 409),
    PERMISSION_DENIED(7, 403),
    RESOURCE_EXHAUSTED(8, 429),
    FAILED_PRECONDITION(9, 412),
    ABORTED(10, 409),
    OUT_OF_RANGE(11, 400),
    UNIMPLEMENTED(12, 501),
    INTERNAL(13, 500),
    UNAVAILABLE(14, 503),
    DATA_LOSS(15, 500),
    UNAUTHENTICATED(16, 401);

    private static final Status[] BY_GRPC = values();

    private final int grpcCode;
    private final int httpStatus;

    Status(int grpcCode, int httpStatus) {
        this.grpcCode = grpcCode;
        this.httpStatus = httpStatus;
    }

    /** The gRPC status code ({@code grpc-status}). */
    public int grpcCode() {
        return grpcCode;
    }

    /** The HTTP status code this status is answered with over REST. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The status for a gRPC code; unknown codes are {@link #UNKNOWN}, as gRPC specifies. */
    public static Status fromGrpc(int code) {
        return code >= 0 && code < BY_GRPC.length ? BY_GRPC[code] : UNKNOWN;
    }

    /**
     * The status for an HTTP response code from a peer that sent no Courier code, following
     * gRPC's HTTP-to-status mapping where it has one.
     */
    public static Status fromHttp(int httpStatus) {
        if (httpStatus >= 200 && httpStatus < 300) {
            return OK;
        }
        return switch (httpStatus) {
            case 400, 406, 411, 414, 415, 422 -> INVALID_ARGUMENT;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> NOT_FOUND;
            case 405, 501 -> UNIMPLEMENTED;
            case 408, 504 -> DEADLINE_EXCEEDED;
            case 409 -> ABORTED;
            case 412 -> FAILED_PRECONDITION;
            case 413, 429, 431 -> RESOURCE_EXHAUSTED;
            case 499 -> CANCELLED;
            case 502, 503 -> UNAVAILABLE;
            default -> httpStatus >= 500 ? INTERNAL : UNKNOWN;
        };
    }
}
