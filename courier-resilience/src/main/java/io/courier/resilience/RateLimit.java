package io.courier.resilience;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.Interceptor;
import io.courier.Principal;
import io.courier.ResourceExhaustedException;
import io.courier.Ticker;
import io.courier.resilience.internal.TokenBuckets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A server interceptor that holds each caller to a rate of calls: a token bucket per caller,
 * {@linkplain Builder#burst burst} calls at once and {@linkplain Builder#rate rate} calls per
 * period after that. A call over it is refused before the implementation runs with a
 * retry-safe {@link ResourceExhaustedException} that says when a token will be back: REST
 * answers 429 with {@code Retry-After}, gRPC {@code RESOURCE_EXHAUSTED} with
 * {@code grpc-retry-pushback-ms}, a command gets the same exception back.
 *
 * <p>The caller is {@linkplain Builder#key keyed} by default as: the verified principal's name
 * ({@link CallContext#principal()}: a token's subject, an API key's owner), else the address the
 * connection came from ({@link CallContext#remoteAddress()}), else one key shared by every other
 * call (in process, from a broker). Unverified credentials are never a key: a caller could send
 * a new one with every call and get a fresh bucket each time. So put this interceptor after the
 * authenticating one to limit per principal; before it, every call is limited per address.
 *
 * <pre>{@code
 * Courier.builder()
 *     .serverInterceptor(AccessControl.builder().authenticator(jwt).build())
 *     .serverInterceptor(RateLimit.builder().rate(50, Duration.ofSeconds(1)).burst(100).build())
 *     ...
 * }</pre>
 *
 * <p>At most {@linkplain Builder#maxCallers maxCallers} buckets are kept; past that the least
 * recently seen caller's is forgotten, which loses nothing once its bucket has refilled (see
 * {@code TokenBuckets}). Thread-safe; a call costs a short lock on one of 16 segments and, for
 * a caller already known, no allocation.
 */
public final class RateLimit implements Interceptor {
    private static final String SHARED = "";

    private final Config config;
    private final TokenBuckets buckets;
    private final LongAdder refusals = new LongAdder();

    private RateLimit(Config config) {
        this.config = config;
        double tokensPerNano = config.rate / (double) config.period.toNanos();
        this.buckets = new TokenBuckets(config.burst, tokensPerNano, config.maxCallers);
    }

    /**
     * The settings of a {@link RateLimit}: an immutable value.
     *
     * @param rate calls per {@code period} a caller gets back, at least 1
     * @param period the period of {@code rate}, positive
     * @param burst calls a caller may make at once, at least 1
     * @param maxCallers callers whose buckets are kept, at least 1
     * @param key the caller of a call; a function that returns null puts the call in the shared bucket
     * @param ticker the source of time
     */
    public record Config(int rate, Duration period, int burst, int maxCallers, Function<Call, String> key,
                         Ticker ticker) {
        /** Checks every component, with the builder's messages. */
        public Config {
            atLeastOne("rate", rate);
            CircuitBreakerBuilder.positive("period", period);
            atLeastOne("burst", burst);
            atLeastOne("maxCallers", maxCallers);
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(ticker, "ticker");
        }
    }

    /** A builder; {@link Builder#rate} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default key: the principal's name, else the remote address, else the shared key
     * (the empty string).
     */
    public static String callerOf(Call call) {
        CallContext context = call.context();
        Principal principal = context.principal().orElse(null);
        if (principal != null) {
            return principal.name();
        }
        return context.remoteAddress().orElse(SHARED);
    }

    /** This limit's settings. */
    public Config config() {
        return config;
    }

    /** Calls refused since this limit was built, all callers together. */
    public long refusals() {
        return refusals.sum();
    }

    /** How many callers have a bucket now (at most {@code maxCallers}). */
    public int trackedCallers() {
        return buckets.size();
    }

    @Override
    public CompletableFuture<Object> intercept(Call call, Next next) {
        String key = config.key.apply(call);
        long wait = buckets.take(key == null ? SHARED : key, config.ticker.nanoTime());
        if (wait == 0) {
            return next.proceed(call);
        }
        refusals.increment();
        Duration retryAfter = Duration.ofNanos(wait);
        return CompletableFuture.failedFuture(ResourceExhaustedException.rateLimited(call.method().fullName()
                + ": over this caller's rate limit of " + config.rate + " calls per " + config.period
                + " (retry after " + retryAfter.toMillis() + " ms)", retryAfter));
    }

    @Override
    public String toString() {
        return "RateLimit[" + config.rate + " per " + config.period + ", burst " + config.burst + "]";
    }

    private static int atLeastOne(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + ": " + value + " (expected: >= 1)");
        }
        return value;
    }

    /**
     * Builds a {@link RateLimit}. Defaults: a burst of one period's rate, 10,000 callers kept,
     * {@link #callerOf} as the key, the system ticker. Not thread-safe.
     */
    public static final class Builder {
        private int rate;
        private Duration period;
        private int burst;
        private int maxCallers = 10_000;
        private Function<Call, String> key = RateLimit::callerOf;
        private Ticker ticker = Ticker.system();

        private Builder() {
        }

        /** {@code calls} per {@code period} for each caller, after its burst. Required. */
        public Builder rate(int calls, Duration period) {
            this.rate = atLeastOne("rate", calls);
            this.period = CircuitBreakerBuilder.positive("period", period);
            return this;
        }

        /** Calls a caller may make at once, after a pause (default: the rate's calls). */
        public Builder burst(int calls) {
            this.burst = atLeastOne("burst", calls);
            return this;
        }

        /** How many callers' buckets are kept at most. */
        public Builder maxCallers(int callers) {
            this.maxCallers = atLeastOne("maxCallers", callers);
            return this;
        }

        /**
         * Who the caller of a call is: calls with the same key share a bucket. Keep it to what
         * the server has verified (see the class's description); return null for the shared key.
         */
        public Builder key(Function<Call, String> key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** The source of time (a fake clock, such as courier-test's {@code FakeClock}, in tests). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * The rate limit.
         *
         * @throws IllegalStateException when no rate was set
         */
        public RateLimit build() {
            if (period == null) {
                throw new IllegalStateException("rate: not set (expected: rate(calls, period))");
            }
            return new RateLimit(new Config(rate, period, burst == 0 ? rate : burst, maxCallers, key, ticker));
        }
    }
}
