package io.courier.resilience;

import io.courier.Call;

/**
 * Told what a resilience step did to a call beyond passing it on: a hedge sent, a fallback
 * answering instead of a failure, a call refused by a full bulkhead or an open breaker, a retry
 * or hedge the budget did not allow. For metrics and logs: register it with
 * {@link Resilience#addListener} (every step of a client) or a step's own {@code addListener}.
 * It runs on the thread that decided, so it must be fast, must not block and should not throw
 * (what it throws is ignored).
 *
 * <pre>{@code
 * resilience.addListener((event, call) -> log.debug("{} {}", event, call.method().fullName()));
 * }</pre>
 */
@FunctionalInterface
public interface ResilienceListener {
    /** What happened. */
    enum Event {
        /** {@link Hedge} sent a second attempt of the call. */
        HEDGE_SENT,
        /** {@link Fallback} answered the call instead of its failure. */
        FALLBACK_TAKEN,
        /** {@link Bulkhead} refused the call (or attempt): its limit was reached. */
        BULKHEAD_FULL,
        /** A {@link CircuitBreaker} (of the service or of an endpoint) refused the call: open, or half-open with its trial calls taken. */
        BREAKER_OPEN,
        /** {@link Retry} would have retried, or {@link Hedge} hedged, but the {@link RetryBudget} had nothing left. */
        RETRY_BUDGET_EXHAUSTED
    }

    /** Called once per event; {@code call} is the call (or attempt) it happened to. */
    void on(Event event, Call call);
}
