package io.courier.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: how these tests wait, never by sleeping and hoping. */
final class Await {
    private Await() {
    }

    static void until(Duration patience, String what, BooleanSupplier condition) {
        until(patience, what, condition, () -> "");
    }

    static void until(Duration patience, String what, BooleanSupplier condition, Supplier<String> state) {
        long end = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + patience + " for " + what + "; " + state.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
