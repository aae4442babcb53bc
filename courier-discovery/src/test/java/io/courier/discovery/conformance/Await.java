package io.courier.discovery.conformance;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: the tests' only way of waiting. */
public final class Await {
    private Await() {
    }

    /** Waits until {@code condition} holds; fails with {@code what} after {@code patience}. */
    public static void until(String what, Duration patience, BooleanSupplier condition) {
        long end = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + patience.toMillis() + " ms: " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(2); // the polling period, not a guess at how long the condition takes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    /** Waits until {@code condition} holds, describing the state with {@code state} on failure. */
    public static void until(Duration patience, BooleanSupplier condition, Supplier<String> state) {
        long end = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + patience.toMillis() + " ms; state: " + state.get());
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted; state: " + state.get());
            }
        }
    }
}
