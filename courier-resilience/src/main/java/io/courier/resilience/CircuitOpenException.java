package io.courier.resilience;

import io.courier.UnavailableException;
import java.util.Map;

/**
 * A call refused by an open (or fully busy half-open) {@link CircuitBreaker}: it never left
 * the client, so it is {@linkplain #retrySafe() retry-safe}. The message and the
 * {@code breaker} detail name the breaker.
 *
 * <pre>{@code
 * catch (CircuitOpenException e) { log.info("{} is failing fast", e.breaker()); }
 * }</pre>
 *
 * <p>Immutable.
 */
public class CircuitOpenException extends UnavailableException {
    private static final long serialVersionUID = 1L;

    private final String breaker;

    /** A rejection by the breaker called {@code breaker}. */
    public CircuitOpenException(String breaker, String message) {
        super(message, Map.of("breaker", breaker), true, null);
        this.breaker = breaker;
    }

    /** The name of the breaker that refused the call. */
    public String breaker() {
        return breaker;
    }
}
