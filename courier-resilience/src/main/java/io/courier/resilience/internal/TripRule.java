package io.courier.resilience.internal;

/**
 * When a closed breaker opens: once its window holds at least {@code minimumCalls} calls and
 * the failure rate or the slow-call rate reaches its threshold (in percent).
 */
public record TripRule(int minimumCalls, float failureRateThreshold, float slowCallRateThreshold) {
    /** Whether {@code failures} and {@code slow} out of {@code calls} trip the breaker. */
    public boolean trips(int calls, int failures, int slow) {
        if (calls < minimumCalls || calls == 0) {
            return false;
        }
        // Compared multiplied out, so no division on the hot path.
        return failures * 100f >= failureRateThreshold * calls || slow * 100f >= slowCallRateThreshold * calls;
    }
}
