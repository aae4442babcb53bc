package io.courier.resilience;

/**
 * How a {@link Bulkhead}'s limit of calls in flight adapts, instead of being fixed: one of two
 * algorithms behind the same limit.
 *
 * <ul>
 *   <li>{@link AimdLimit}: additive increase, multiplicative decrease, driven by each call's
 *       outcome (an overload error or a call slower than a threshold lowers it). Suits a client
 *       guarding a dependency that says when it is overloaded.</li>
 *   <li>{@link GradientLimit}: driven by latency alone, comparing each window's mean with the
 *       latency when nothing queues; needs no threshold. Suits a server shedding load
 *       ({@link Bulkhead#loadShedder()}).</li>
 * </ul>
 *
 * <p>Immutable values.
 */
public sealed interface AdaptiveLimit permits AimdLimit, GradientLimit {
    /** The limit to start with, in [{@link #minLimit()}, {@link #maxLimit()}]. */
    int initialLimit();

    /** The limit never goes below this. */
    int minLimit();

    /** The limit never goes above this. */
    int maxLimit();
}
