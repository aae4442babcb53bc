/**
 * Courier's answer to partial failure, as client interceptors: retry with exponential backoff,
 * full jitter and a per-client budget; circuit breakers per endpoint and per service; a bulkhead
 * with a fixed or adaptive (AIMD or gradient) concurrency limit; hedging; typed fallbacks.
 * {@code Resilience} composes them in one documented order and installs them on a client, its
 * breakers feeding the load balancer. And two server interceptors that protect a server:
 * {@code RateLimit}, a token bucket per caller, and {@code Bulkhead.loadShedder()}, a
 * concurrency limit that follows latency and sheds the surplus.
 */
module io.courier.resilience {
    requires transitive io.courier.core;

    exports io.courier.resilience;

    // Resilience.applyTo wraps the load balancer a client would find by default.
    uses io.courier.discovery.LoadBalancer;
}
