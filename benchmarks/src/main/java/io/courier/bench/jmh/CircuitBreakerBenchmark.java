package io.courier.bench.jmh;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.contract.ServiceDescriptor;
import io.courier.resilience.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The closed-state path of a circuit breaker, nothing failing: admit a call, record its success
 * with its duration. Courier's {@code CircuitBreaker} through its interceptor method (the call
 * below answers at once) against Resilience4j's through its own primitives
 * ({@code acquirePermission} and {@code onSuccess}, the cheapest way to use it). Both with a
 * 100-call count window, 20 calls minimum, 50% failures, slow calls from 10 s; one breaker
 * shared by one thread, then by two.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CircuitBreakerBenchmark {
    /** A contract for the call the breaker sees. */
    @io.courier.annotation.Service("stock")
    public interface Stock {
        long level(long sku);
    }

    private static final Object RESULT = 7L;
    private static final CompletableFuture<Object> ANSWERED = CompletableFuture.completedFuture(RESULT);

    private CircuitBreaker courier;
    private io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4j;
    private Call call;

    @Setup
    public void setUp() {
        courier = CircuitBreaker.builder("stock").countWindow(100).minimumCalls(20).failureRateThreshold(50)
                .slowCallRateThreshold(100).slowCallDuration(Duration.ofSeconds(10)).build();
        resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("stock", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(100)
                .minimumNumberOfCalls(20).failureRateThreshold(50).slowCallRateThreshold(100)
                .slowCallDurationThreshold(Duration.ofSeconds(10)).build());
        ServiceDescriptor service = ServiceDescriptor.of(Stock.class);
        call = Call.of(service, service.method("level").orElseThrow(), new Object[] {42L}, CallContext.empty(),
                URI.create("http://127.0.0.1:8080"));
    }

    @Benchmark
    public Object courierAcquireRecord() {
        return courier.intercept(call, c -> ANSWERED);
    }

    @Benchmark
    public Object resilience4jAcquireRecord() {
        resilience4j.acquirePermission();
        long start = System.nanoTime();
        Object result = RESULT;
        resilience4j.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return result;
    }

    @Benchmark
    @Threads(2)
    public Object courierAcquireRecordTwoThreads() {
        return courierAcquireRecord();
    }

    @Benchmark
    @Threads(2)
    public Object resilience4jAcquireRecordTwoThreads() {
        return resilience4jAcquireRecord();
    }
}
