package io.courier.bench.load;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Closed and open loops over any asynchronous call (a grpc-java stub, a Courier client, a
 * messaging request): the same loop for every variant of a scenario, so only what is called
 * differs. Completions may arrive on any thread, so latencies go to a concurrent histogram.
 */
final class AsyncLoad {
    /** Starts one call; the stage completes when its answer arrived. Must not block. */
    @FunctionalInterface
    interface Sender {
        CompletionStage<?> send();
    }

    private AsyncLoad() {
    }

    /** {@code inFlight} calls at all times: warm up, then measure; returns the measured window. */
    static Measurement closedLoop(String variant, Sender sender, int inFlight, double warmupSeconds, double seconds) {
        Window w = new Window(warmupSeconds, seconds);
        AtomicLong running = new AtomicLong(inFlight);
        CompletableFuture<Void> done = new CompletableFuture<>();
        for (int i = 0; i < inFlight; i++) {
            lane(sender, w, running, done);
        }
        done.join();
        return Measurement.of(variant, "closed-" + inFlight, w.histogram, w.errors.get(), seconds);
    }

    /** One call after another; a call answered at once loops here instead of recursing. */
    private static void lane(Sender sender, Window w, AtomicLong running, CompletableFuture<Void> done) {
        while (true) {
            long sent = System.nanoTime();
            if (sent >= w.end) {
                if (running.decrementAndGet() == 0) {
                    done.complete(null);
                }
                return;
            }
            CompletableFuture<?> call;
            try {
                call = sender.send().toCompletableFuture();
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            if (call.isDone()) {
                w.record(sent, System.nanoTime(), call.isCompletedExceptionally());
                continue;
            }
            call.whenComplete((v, failure) -> {
                w.record(sent, System.nanoTime(), failure != null);
                lane(sender, w, running, done);
            });
            return;
        }
    }

    /**
     * {@code inFlight} virtual threads each making blocking calls one after another, the way a
     * Courier client is meant to be used; returns the measured window.
     */
    static Measurement closedLoopBlocking(String variant, Runnable call, int inFlight, double warmupSeconds,
                                          double seconds) {
        Window w = new Window(warmupSeconds, seconds);
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < inFlight; i++) {
                threads.execute(() -> {
                    for (long sent = System.nanoTime(); sent < w.end; sent = System.nanoTime()) {
                        boolean failed = false;
                        try {
                            call.run();
                        } catch (RuntimeException e) {
                            failed = true;
                        }
                        w.record(sent, System.nanoTime(), failed);
                    }
                });
            }
        }
        return Measurement.of(variant, "closed-" + inFlight, w.histogram, w.errors.get(), seconds);
    }

    /**
     * Calls started at {@code rate} per second by one thread whatever the server does (open
     * loop), latency measured from each call's intended start, so a stall is not hidden.
     */
    static Measurement openLoop(String variant, Sender sender, int rate, double warmupSeconds, double seconds) {
        Window w = new Window(warmupSeconds, seconds);
        long total = (long) ((warmupSeconds + seconds) * rate);
        double intervalNanos = 1e9 / rate;
        AtomicLong outstanding = new AtomicLong(total);
        CompletableFuture<Void> done = new CompletableFuture<>();
        for (long next = 0; next < total; next++) {
            long intended = w.start + (long) (next * intervalNanos);
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            CompletableFuture<?> call;
            try {
                call = sender.send().toCompletableFuture();
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            call.whenComplete((v, failure) -> {
                w.record(intended, System.nanoTime(), failure != null);
                if (outstanding.decrementAndGet() == 0) {
                    done.complete(null);
                }
            });
        }
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            w.errors.addAndGet(outstanding.get());
        }
        return Measurement.of(variant, "open-" + rate, w.histogram, w.errors.get(), seconds);
    }

    /** The warm-up, the measured window, and what was measured in it. */
    private static final class Window {
        final Histogram histogram = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(10), 3);
        final AtomicLong errors = new AtomicLong();
        final long start = System.nanoTime();
        final long measureFrom;
        final long end;

        Window(double warmupSeconds, double seconds) {
            this.measureFrom = start + (long) (warmupSeconds * 1e9);
            this.end = measureFrom + (long) (seconds * 1e9);
        }

        /** Counts a call that started at {@code from} if it started and ended inside the window. */
        void record(long from, long now, boolean failed) {
            if (from < measureFrom || now >= end) {
                return;
            }
            if (failed) {
                errors.incrementAndGet();
            } else {
                histogram.recordValue(Math.min(now - from, histogram.getHighestTrackableValue()));
            }
        }
    }
}
