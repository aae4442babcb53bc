package io.courier.avro.internal;

import io.courier.InvalidArgumentException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A value that cannot be read, with the path to it gathered as the failure unwinds (so reading a
 * valid value builds no path at all). Turned into an {@link InvalidArgumentException} by
 * {@link #toException()}.
 */
public final class DecodeFailure extends RuntimeException {
    private final Deque<String> path = new ArrayDeque<>();
    private final String problem;

    public DecodeFailure(String problem) {
        super(problem, null, false, false);
        this.problem = problem;
    }

    /** Adds the field, index or key the failure happened under ({@code .name}, {@code [3]}). */
    public DecodeFailure under(String segment) {
        path.addFirst(segment);
        return this;
    }

    /** {@code body: $.lines[2].sku: <problem>}. */
    public InvalidArgumentException toException() {
        return new InvalidArgumentException("body: $" + String.join("", path) + ": " + problem);
    }
}
