package io.courier.resilience.internal;

/** The phases of the breaker's state machine; {@code CircuitBreaker.State} names them for users. */
public enum Phase {
    CLOSED, OPEN, HALF_OPEN
}
