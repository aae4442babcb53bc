package io.courier.kafka.internal;

import io.courier.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Whether Kafka can be reached, for readiness when no consumer says so (a producer that has not
 * sent yet connects on its first send): a check with a short timeout of its own, run on
 * {@code executor} (never the caller's thread), its answer kept for {@code maxAge}. A caller
 * asking when the answer is older gets the old one and starts a new check; only the first caller,
 * with no answer at all, waits for one, at most {@code firstWait}.
 */
public final class Reachability {
    private record Answer(Optional<String> problem, long at) {
    }

    private final Supplier<Optional<String>> check;
    private final Executor executor;
    private final Ticker ticker;
    private final long maxAgeNanos;
    private final long firstWaitNanos;
    private volatile Answer last;
    /** The check in flight, if any; guarded by this. */
    private CompletableFuture<Optional<String>> running;

    /** {@code check} answers why Kafka cannot be reached, empty when it can; it must time out by itself. */
    public Reachability(Supplier<Optional<String>> check, Executor executor, Ticker ticker, Duration maxAge,
                        Duration firstWait) {
        this.check = check;
        this.executor = executor;
        this.ticker = ticker;
        this.maxAgeNanos = maxAge.toNanos();
        this.firstWaitNanos = firstWait.toNanos();
    }

    /** Why Kafka cannot be reached, as the newest check found; empty when it could. */
    public Optional<String> notReady() {
        Answer a = last;
        if (a != null && ticker.nanoTime() - a.at() < maxAgeNanos) {
            return a.problem();
        }
        CompletableFuture<Optional<String>> next = refresh();
        if (a != null) {
            return a.problem();
        }
        try {
            return next.get(firstWaitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Optional.of("no answer from Kafka yet");
        } catch (ExecutionException e) {
            return Optional.of("cannot check Kafka: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while checking Kafka");
        }
    }

    private synchronized CompletableFuture<Optional<String>> refresh() {
        if (running == null || running.isDone()) {
            running = CompletableFuture.supplyAsync(() -> {
                Optional<String> problem = check.get();
                last = new Answer(problem, ticker.nanoTime());
                return problem;
            }, executor);
        }
        return running;
    }
}
