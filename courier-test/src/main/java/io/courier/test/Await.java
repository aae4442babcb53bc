package io.courier.test;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes: how Courier's tests wait for
 * something to happen, instead of sleeping for a guessed time.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(10), "the one-way command handled", () -> handled.get() == 1);
 * Await.until(Duration.ofSeconds(10), "both instances listed", () -> view.instances().size() == 2,
 *     () -> view.instances().toString());   // what the failure message shows
 * }</pre>
 */
public final class Await {
    /** The polling period: short enough not to slow a test, long enough not to spin a core. */
    private static final long PERIOD_MILLIS = 2;

    private Await() {
    }

    /** Waits until {@code condition} holds; fails naming {@code what} after {@code patience}. */
    public static void until(Duration patience, String what, BooleanSupplier condition) {
        until(patience, what, condition, () -> "");
    }

    /** Waits until {@code condition} holds; fails with {@code what}, computed then (the state it describes). */
    public static void until(Duration patience, Supplier<String> what, BooleanSupplier condition) {
        Objects.requireNonNull(what, "what");
        until(patience, "", condition, what);
    }

    /**
     * Waits until {@code condition} holds; fails naming {@code what} and showing {@code state}
     * after {@code patience}.
     */
    public static void until(Duration patience, String what, BooleanSupplier condition, Supplier<String> state) {
        Objects.requireNonNull(patience, "patience");
        Objects.requireNonNull(condition, "condition");
        long end = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                String shown = state.get();
                boolean named = what != null && !what.isEmpty();
                boolean stated = shown != null && !shown.isEmpty();
                throw new AssertionError("not within " + patience.toMillis() + " ms: " + (named ? what : "")
                        + (named && stated ? "; state: " : "") + (stated ? shown : ""));
            }
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }
}
