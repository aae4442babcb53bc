package io.courier.discovery.balancer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link PowerOfTwoChoices} knows of one endpoint: its calls in flight and a peak-sensitive
 * latency average that, between samples, fades down towards a target (the mean of the other
 * endpoints) with a time constant, so that a once-slow endpoint does not stay expensive forever.
 */
final class EndpointLatency {
    /** How far a faster sample pulls the average: half way, so an endpoint is trusted again quickly. */
    private static final double DOWN = 0.5;
    /** How far a slower sample pushes the average: a quarter, so one hiccup does not shut it off. */
    private static final double UP = 0.25;

    final AtomicInteger outstanding = new AtomicInteger();
    /** When the last attempt started (or a probe was claimed). */
    final AtomicLong lastStartNanos;
    private double averageNanos;
    private long stampNanos;
    /** Whether an attempt has answered yet; attempts started before the first answer are cold. */
    private boolean answered;
    /** Cold attempts not yet answered. */
    private int coldInFlight;
    /** Whether the last attempt failed as unreachable: such an average is no measure of the others. */
    private volatile boolean unreachable;
    /** Whether a probe was claimed and its answer is the next sample. */
    private boolean probing;
    /** The average as last stored, for the others' mean; read without the lock. */
    private volatile double storedNanos;

    EndpointLatency(double startNanos, long nowNanos) {
        this.averageNanos = startNanos;
        this.storedNanos = startNanos;
        this.stampNanos = nowNanos;
        this.lastStartNanos = new AtomicLong(nowNanos);
    }

    /**
     * The average now: the stored one, moved down towards {@code target} by the time since it
     * was stored. Only down: what fades is a past peak; an endpoint faster than the others is
     * not made to look slower by the slow ones it is compared with.
     */
    synchronized double average(long nowNanos, double targetNanos, double tauNanos) {
        if (averageNanos <= targetNanos) {
            return averageNanos;
        }
        double w = Math.exp(-Math.max(0, nowNanos - stampNanos) / tauNanos);
        return targetNanos + (averageNanos - targetNanos) * w;
    }

    /**
     * Adds a sample. A slower sample pushes the average a quarter of the way up, a faster one
     * pulls it half of the way down: on a busy machine every endpoint has hiccups, and an
     * average that jumped to each one would shut off whichever had the latest. An unreachable
     * endpoint's penalty replaces a lower average at once. A cold attempt (one that started
     * before the endpoint first answered: connecting, warming up) may only lower the average: a
     * new endpoint is not judged by its first, cold calls; an unreachable one's are never cold.
     * A probe's answer replaces the average whatever it is: it is the news the probe was sent for.
     */
    synchronized void sample(long latencyNanos, boolean failedUnreachable, long nowNanos, double targetNanos,
                             double tauNanos) {
        double current = average(nowNanos, targetNanos, tauNanos);
        boolean cold = coldInFlight > 0;
        if (cold) {
            coldInFlight--;
        }
        answered = true;
        unreachable = failedUnreachable;
        boolean probe = probing;
        probing = false;
        if (cold && !failedUnreachable && latencyNanos > current) {
            return;
        }
        if (probe) {
            averageNanos = latencyNanos;
        } else if (failedUnreachable) {
            averageNanos = Math.max(latencyNanos, current);
        } else {
            averageNanos = current + (latencyNanos - current) * (latencyNanos > current ? UP : DOWN);
        }
        storedNanos = averageNanos;
        stampNanos = nowNanos;
    }

    /** An attempt starts now. */
    synchronized void start(long nowNanos) {
        lastStartNanos.set(nowNanos);
        outstanding.incrementAndGet();
        if (!answered) {
            coldInFlight++;
        }
    }

    /** The average as last stored, for the mean of the endpoints that answer. */
    double stored() {
        return storedNanos;
    }

    /** Whether this endpoint's last attempt found it unreachable. */
    boolean unreachable() {
        return unreachable;
    }

    /**
     * Claims a probe: true, for one caller, when no attempt has started for {@code afterNanos}
     * and none is in flight. A probe goes to the endpoint whatever its average, so that an
     * endpoint the draws avoid is measured again instead of being judged by an old sample.
     */
    boolean claimProbe(long nowNanos, long afterNanos) {
        long last = lastStartNanos.get();
        if (outstanding.get() == 0 && nowNanos - last >= afterNanos && lastStartNanos.compareAndSet(last, nowNanos)) {
            synchronized (this) {
                probing = true;
            }
            return true;
        }
        return false;
    }
}
