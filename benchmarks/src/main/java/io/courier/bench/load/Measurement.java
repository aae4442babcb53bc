package io.courier.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What one timed run measured.
 *
 * @param variant   the server measured, e.g. {@code courier-rest}
 * @param mode      {@code closed-64} (64 in flight), {@code closed-1} (one in flight) or {@code open-<rate>}
 *                  (fixed arrival rate)
 * @param requests  completed requests in the measured window
 * @param errors    failed requests in the measured window
 * @param seconds   length of the measured window
 * @param p50Micros median latency
 * @param p99Micros 99th percentile latency
 * @param maxMicros worst latency
 */
public record Measurement(String variant, String mode, long requests, long errors, double seconds,
                          double p50Micros, double p99Micros, double maxMicros) {
    /** Completed requests per second. */
    public double throughput() {
        return requests / seconds;
    }

    static Measurement of(String variant, String mode, Histogram h, long errors, double seconds) {
        return new Measurement(variant, mode, h.getTotalCount(), errors, seconds,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
