/**
 * Client-side policies for partial failure, each an {@link io.courier.Interceptor}:
 * {@link io.courier.resilience.Retry} with a {@link io.courier.resilience.RetryBudget},
 * {@link io.courier.resilience.CircuitBreaker} (one per endpoint with
 * {@link io.courier.resilience.CircuitBreakers}), {@link io.courier.resilience.Bulkhead},
 * {@link io.courier.resilience.Hedge} and {@link io.courier.resilience.Fallback}, composed in
 * a documented order by {@link io.courier.resilience.Resilience}. Time comes from an
 * {@link io.courier.Ticker} and an {@link io.courier.Scheduler}; tests use courier-test's
 * {@code FakeClock}, which is both.
 */
package io.courier.resilience;
