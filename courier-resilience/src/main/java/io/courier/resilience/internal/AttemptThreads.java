package io.courier.resilience.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Where retries and hedges run their next attempt by default: a virtual thread each, never the timer. */
public final class AttemptThreads {
    private static final ExecutorService VIRTUAL = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("courier-attempt-", 0).factory());

    private AttemptThreads() {
    }

    /** A new virtual thread per attempt. */
    public static Executor virtualThreads() {
        return VIRTUAL;
    }
}
