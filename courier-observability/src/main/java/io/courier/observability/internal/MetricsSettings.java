package io.courier.observability.internal;

import java.time.Duration;

/** What every call timer is built with: a histogram or not, client-side percentiles, SLO buckets. */
public record MetricsSettings(boolean histogram, double[] percentiles, Duration[] slos) {
}
