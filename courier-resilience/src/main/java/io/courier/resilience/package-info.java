/**
 * Client-side policies for partial failure, each an {@link io.courier.Interceptor}:
 * {@link io.courier.resilience.Retry} with a {@link io.courier.resilience.RetryBudget},
 * {@link io.courier.resilience.CircuitBreaker} (one per endpoint with
 * {@link io.courier.resilience.CircuitBreakers}), {@link io.courier.resilience.Bulkhead},
 * {@link io.courier.resilience.Hedge} and {@link io.courier.resilience.Fallback}, composed in
 * a documented order by {@link io.courier.resilience.Resilience}. Time comes from an
 * {@link io.courier.Ticker} and a {@link io.courier.resilience.Scheduler}; tests use a
 * {@link io.courier.resilience.ManualClock}.
 */
package io.courier.resilience;
