package io.courier.resilience;

import io.courier.CourierException;
import io.courier.Status;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Decides which errors count as failures of the called service: they feed circuit breakers and
 * concurrency limits, make idempotent calls retryable, and trigger fallbacks. An error that is
 * not a failure (a {@code NOT_FOUND}, an invalid argument) is an answer, and counts as a
 * success: the service is healthy, the request was wrong.
 *
 * <p>{@link #byStatus()} is the default: {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED},
 * {@code RESOURCE_EXHAUSTED}, {@code INTERNAL} and {@code UNKNOWN} count, as does any
 * exception that is not a {@link CourierException}; a cancellation never counts. The statuses
 * that say the request itself was wrong ({@code INVALID_ARGUMENT}, {@code FAILED_PRECONDITION},
 * {@code NOT_FOUND}, {@code ALREADY_EXISTS}, {@code PERMISSION_DENIED}, {@code UNAUTHENTICATED},
 * {@code OUT_OF_RANGE}, {@code UNIMPLEMENTED}, {@code ABORTED}) never count. A
 * {@link CircuitBreaker} does not ask the policy about {@code DEADLINE_EXCEEDED}: it counts such
 * a call as slow, so that one request that spins until its deadline cannot open it.
 *
 * <pre>{@code
 * FailurePolicy p = FailurePolicy.statuses(Status.UNAVAILABLE, Status.DATA_LOSS);
 * CircuitBreaker b = CircuitBreaker.builder("stock").failurePolicy(p).build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe and fast; they receive the error unwrapped from
 * {@link CompletionException}.
 */
@FunctionalInterface
public interface FailurePolicy {
    /** Whether {@code error} counts as a failure of the called service. */
    boolean isFailure(Throwable error);

    /** The default policy, by the statuses listed above. */
    static FailurePolicy byStatus() {
        return ByStatus.DEFAULT;
    }

    /** A policy that counts errors with one of {@code statuses} (plus non-Courier exceptions). */
    static FailurePolicy statuses(Status... statuses) {
        Objects.requireNonNull(statuses, "statuses");
        EnumSet<Status> set = EnumSet.noneOf(Status.class);
        for (Status s : statuses) {
            if (Objects.requireNonNull(s, "statuses[]") == Status.OK) {
                throw new IllegalArgumentException("statuses: OK (expected: error statuses)");
            }
            set.add(s);
        }
        return new ByStatus(set);
    }

    /** The error under the wrappers that futures add. */
    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Whether {@code error} is a cancellation, which is never the service's fault. */
    static boolean isCancellation(Throwable error) {
        Throwable t = unwrap(error);
        return t instanceof CancellationException
                || (t instanceof CourierException c && c.status() == Status.CANCELLED);
    }

    /**
     * Whether {@code error} is a call running out of its deadline: a slow call, which a circuit
     * breaker counts only through its slow-call rate, whatever the policy.
     */
    static boolean isDeadlineExceeded(Throwable error) {
        return unwrap(error) instanceof CourierException c && c.status() == Status.DEADLINE_EXCEEDED;
    }
}

/** The status-set policy behind {@link FailurePolicy#byStatus()} and {@link FailurePolicy#statuses}. */
final class ByStatus implements FailurePolicy {
    static final ByStatus DEFAULT = new ByStatus(EnumSet.of(Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED,
            Status.RESOURCE_EXHAUSTED, Status.INTERNAL, Status.UNKNOWN));

    // One flag per status ordinal: a classification is an array read, no set lookup.
    private final boolean[] failing = new boolean[Status.values().length];
    private final Set<Status> statuses;

    ByStatus(Set<Status> statuses) {
        this.statuses = Set.copyOf(statuses);
        for (Status s : statuses) {
            failing[s.ordinal()] = true;
        }
    }

    @Override
    public boolean isFailure(Throwable error) {
        Throwable t = FailurePolicy.unwrap(error);
        if (t instanceof CourierException c) {
            return failing[c.status().ordinal()];
        }
        return !(t instanceof CancellationException);
    }

    @Override
    public String toString() {
        return "FailurePolicy" + statuses;
    }
}
