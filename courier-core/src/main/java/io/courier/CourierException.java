package io.courier;

import java.util.Map;
import java.util.Objects;

/**
 * The base of every error a Courier call raises: unchecked, with a {@link Status}, a message
 * for people, optional string details for programs, and whether a retry is safe.
 *
 * <p>A service implementation throws one of the subclasses (for example
 * {@link NotFoundException}) to answer with that status; the caller gets the same subclass
 * back, with the same message and details, whatever transport carried it. Stack traces and
 * causes never cross the wire. Any other exception thrown by an implementation reaches the
 * caller as {@link InternalException} with a message that hides the server's internals.
 *
 * <p>{@link #retrySafe()} is true when the call certainly did not take effect (the request
 * was refused before it reached the implementation), so even a non-idempotent call may be
 * sent again. Instances are immutable.
 */
public class CourierException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status status;
    private final Map<String, String> details;
    private final boolean retrySafe;

    /** An error with the given status, message, details and retry safety. */
    public CourierException(Status status, String message, Map<String, String> details,
                            boolean retrySafe, Throwable cause) {
        super(message, cause);
        this.status = Objects.requireNonNull(status, "status");
        if (status == Status.OK) {
            throw new IllegalArgumentException("status: OK (expected: an error status)");
        }
        this.details = Map.copyOf(details == null ? Map.of() : details);
        this.retrySafe = retrySafe;
    }

    /** An error with the given status and message, retry-safe as the status suggests. */
    public CourierException(Status status, String message) {
        this(status, message, Map.of(), defaultRetrySafe(status), null);
    }

    /** The status the error is carried with. */
    public Status status() {
        return status;
    }

    /** Machine-readable details that cross the wire with the message; never null. */
    public Map<String, String> details() {
        return details;
    }

    /** Whether sending the same call again cannot repeat an effect. */
    public boolean retrySafe() {
        return retrySafe;
    }

    /**
     * The exception of the subclass that matches {@code status}: what a client throws for an
     * error received from the wire.
     */
    public static CourierException of(Status status, String message, Map<String, String> details,
                                      boolean retrySafe) {
        Map<String, String> d = details == null ? Map.of() : details;
        return switch (status) {
            case CANCELLED -> new CancelledException(message, d, retrySafe);
            case INVALID_ARGUMENT, OUT_OF_RANGE -> new InvalidArgumentException(status, message, d);
            case DEADLINE_EXCEEDED -> new DeadlineExceededException(message, d);
            case NOT_FOUND -> new NotFoundException(message, d);
            case ALREADY_EXISTS, ABORTED -> new ConflictException(status, message, d, retrySafe);
            case PERMISSION_DENIED -> new PermissionDeniedException(message, d);
            case UNAUTHENTICATED -> new UnauthenticatedException(message, d);
            case RESOURCE_EXHAUSTED -> new ResourceExhaustedException(message, d, retrySafe);
            case FAILED_PRECONDITION -> new FailedPreconditionException(message, d);
            case UNIMPLEMENTED -> new UnimplementedException(message, d);
            case UNAVAILABLE -> new UnavailableException(message, d, retrySafe, null);
            case UNKNOWN, INTERNAL, DATA_LOSS -> new InternalException(status, message, d);
            case OK -> throw new IllegalArgumentException("status: OK (expected: an error status)");
        };
    }

    /** Whether a status, by itself, means that the request was refused before taking effect. */
    public static boolean defaultRetrySafe(Status status) {
        return status == Status.UNAVAILABLE || status == Status.RESOURCE_EXHAUSTED;
    }

    @Override
    public String toString() {
        return getClass().getName() + ": " + status + ": " + getMessage();
    }
}
