package io.courier.resilience;

import io.courier.ResourceExhaustedException;
import java.util.Map;

/**
 * A call refused by a {@link Bulkhead} because its limit of calls in flight was reached. The
 * call never left the client, so it is {@linkplain #retrySafe() retry-safe}, and circuit
 * breakers do not hold it against the endpoint.
 *
 * <pre>{@code
 * catch (BulkheadFullException e) { return cachedAnswer(); }
 * }</pre>
 *
 * <p>Immutable.
 */
public class BulkheadFullException extends ResourceExhaustedException {
    private static final long serialVersionUID = 1L;

    /** A rejection by the bulkhead called {@code bulkhead}. */
    public BulkheadFullException(String bulkhead, String message) {
        super(message, Map.of("bulkhead", bulkhead), true);
    }
}
