package io.courier;

/**
 * A source of monotonic time in nanoseconds. {@link #system()} in production; tests pass a
 * fake one to move time without sleeping.
 */
@FunctionalInterface
public interface Ticker {
    /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
    long nanoTime();

    /** The ticker backed by {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
