package io.courier.spi;

import java.time.Duration;

/**
 * The header names Courier puts on the wire, and the timeout format they share with gRPC's
 * {@code grpc-timeout}: a positive integer of at most 8 digits and a unit, {@code H} hours,
 * {@code M} minutes, {@code S} seconds, {@code m} milliseconds, {@code u} microseconds,
 * {@code n} nanoseconds.
 */
public final class WireHeaders {
    /** Time left until the call's deadline, in the {@code grpc-timeout} format. */
    public static final String TIMEOUT = "courier-timeout";
    /** The calling {@code Courier}'s name. */
    public static final String CALLER = "courier-caller";

    private static final long MAX = 99_999_999L;

    private WireHeaders() {
    }

    /** {@code timeout} in the {@code grpc-timeout} format, rounded up to the unit that fits. */
    public static String formatTimeout(Duration timeout) {
        long nanos = Math.max(1, saturatedNanos(timeout));
        if (nanos <= MAX) {
            return nanos + "n";
        }
        long micros = ceilDiv(nanos, 1_000L);
        if (micros <= MAX) {
            return micros + "u";
        }
        long millis = ceilDiv(nanos, 1_000_000L);
        if (millis <= MAX) {
            return millis + "m";
        }
        long seconds = ceilDiv(nanos, 1_000_000_000L);
        if (seconds <= MAX) {
            return seconds + "S";
        }
        long minutes = ceilDiv(seconds, 60);
        return minutes <= MAX ? minutes + "M" : Math.min(MAX, ceilDiv(minutes, 60)) + "H";
    }

    /**
     * The duration of a {@code grpc-timeout}-format value.
     *
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static Duration parseTimeout(String value) {
        if (value == null || value.length() < 2 || value.length() > 9) {
            throw bad(value);
        }
        // ASCII digits only: Long.parseLong would also take a sign and non-ASCII digits.
        long amount = 0;
        for (int i = 0; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw bad(value);
            }
            amount = amount * 10 + (c - '0');
        }
        return switch (value.charAt(value.length() - 1)) {
            case 'H' -> Duration.ofHours(amount);
            case 'M' -> Duration.ofMinutes(amount);
            case 'S' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMillis(amount);
            case 'u' -> Duration.ofNanos(amount * 1_000);
            case 'n' -> Duration.ofNanos(amount);
            default -> throw bad(value);
        };
    }

    private static IllegalArgumentException bad(String value) {
        return new IllegalArgumentException("timeout: \"" + value + "\" (expected: up to 8 digits and a unit H, M, S, m, u or n, e.g. 250m)");
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
