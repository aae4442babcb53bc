package io.courier.examples.ftgo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The steps of a scenario run ({@link Scenario} in one JVM, {@link ProcessScenario} across
 * processes): each printed {@code ok} with what it saw or {@code FAIL} with why, the failures
 * counted; and the polling of a step that waits for the system to catch up.
 */
final class Steps {
    private final PrintStream out;
    private int failures;

    Steps(PrintStream out) {
        this.out = out;
    }

    /** Runs {@code step} and prints its line: what it returned, or why it failed. */
    void run(String name, Step step) {
        try {
            out.println("  ok   " + name + ": " + step.run());
        } catch (StepFailed e) {
            failures++;
            out.println("  FAIL " + name + ": " + e.getMessage());
        } catch (Exception e) {
            failures++;
            out.println("  FAIL " + name + ": " + e);
        }
    }

    /** Prints the closing line; whether every step worked. */
    boolean end() {
        out.println(failures == 0 ? "All steps worked." : failures + " step(s) failed.");
        return failures == 0;
    }

    /** Ends the step running with {@code message} as its failure. */
    static <T> T fail(String message) {
        throw new StepFailed(message);
    }

    /** Reads {@code read} every {@code every} until {@code done} holds or {@code patience} passes; the last value read. */
    static <T> T await(Duration patience, Duration every, Supplier<T> read, Predicate<T> done) {
        long deadline = System.nanoTime() + patience.toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(every.toNanos());
            value = read.get();
        }
        return value;
    }

    /** One step: what it saw, or an exception ({@link #fail}) saying what went wrong. */
    @FunctionalInterface
    interface Step {
        String run() throws Exception;
    }

    private static final class StepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message, null, false, false);
        }
    }
}
