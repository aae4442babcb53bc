package io.courier.resilience;

/** The range checks both {@link AdaptiveLimit}s and their builders share, with the same messages. */
final class LimitChecks {
    private LimitChecks() {
    }

    /** {@code value}, or an {@link IllegalArgumentException} naming {@code what} when it is below 1. */
    static int atLeastOne(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: >= 1)");
        }
        return value;
    }

    /** Checks that each limit is at least 1 and that {@code initial} lies in [{@code min}, {@code max}]. */
    static void bounds(int initial, int min, int max) {
        atLeastOne("initialLimit", initial);
        atLeastOne("minLimit", min);
        atLeastOne("maxLimit", max);
        if (min > max) {
            throw new IllegalArgumentException("minLimit: " + min + " (expected: <= maxLimit " + max + ")");
        }
        if (initial < min || initial > max) {
            throw new IllegalArgumentException("initialLimit: " + initial + " (expected: in [" + min + ", " + max + "])");
        }
    }
}
