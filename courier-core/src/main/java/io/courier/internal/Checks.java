package io.courier.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Preconditions Courier's builders share, with messages in one form:
 * {@code "ttl: PT-1S (expected: > 0)"}.
 */
public final class Checks {
    private Checks() {
    }

    /**
     * {@code value}, when it is longer than zero.
     *
     * @throws NullPointerException     naming {@code name} when {@code value} is null
     * @throws IllegalArgumentException naming {@code name} and {@code value} when it is zero or negative
     */
    public static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }
}
