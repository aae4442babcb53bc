package io.courier.bench.jmh;

import io.courier.Courier;
import io.courier.annotation.Service;
import io.courier.resilience.Bulkhead;
import io.courier.resilience.CircuitBreakers;
import io.courier.resilience.Resilience;
import io.courier.resilience.Retry;
import io.courier.spi.ClientTransport;
import io.courier.spi.ServerTransport;
import io.courier.spi.Transport;
import io.courier.spi.TransportContext;
import io.courier.spi.TransportFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a Courier client call costs when nothing fails and the network costs nothing: the
 * proxy, the interceptor chain with a {@code Resilience} pipeline (retry with its budget, a
 * breaker per endpoint, a bulkhead) and Courier's deadline, down to a transport that answers at
 * once. Against the same call without interceptors ({@code bare}) and a plain Java method call
 * ({@code plain}) for scale. Ratios are the others' time over the full call's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClientPipelineBenchmark {
    /** The contract called. */
    @Service("stock")
    public interface Stock {
        Long level(long sku);
    }

    private static final Long LEVEL = 7L;

    private Courier courier;
    private Stock resilient;
    private Stock bare;
    private Stock plain;

    @Setup
    public void setUp() {
        courier = Courier.builder().name("bench-pipeline").transport(new Answering()).build();
        URI target = URI.create("answer://127.0.0.1:1");
        Resilience resilience = Resilience.builder()
                .retry(Retry.builder().maxAttempts(3).build())
                .endpointBreakers(CircuitBreakers.ofDefaults())
                .bulkhead(Bulkhead.builder("stock").maxConcurrentCalls(64).build())
                .build();
        resilient = courier.client(Stock.class).target(target).deadline(Duration.ofSeconds(1)).interceptor(resilience)
                .build();
        bare = courier.client(Stock.class).target(target).deadline(Duration.ofSeconds(1)).build();
        plain = sku -> LEVEL;
        if (!LEVEL.equals(resilient.level(42)) || !LEVEL.equals(bare.level(42))) {
            throw new IllegalStateException("the answering transport did not answer");
        }
    }

    @TearDown
    public void tearDown() {
        courier.close();
    }

    @Benchmark
    public Long courierCall() {
        return resilient.level(42);
    }

    @Benchmark
    public Long bareCall() {
        return bare.level(42);
    }

    @Benchmark
    public Long plainCall() {
        return plain.level(42);
    }

    /** A transport whose calls are answered before they return: no codec, no network. */
    static final class Answering implements TransportFactory, Transport {
        private static final CompletableFuture<Object> ANSWER = CompletableFuture.completedFuture(LEVEL);

        @Override
        public String name() {
            return "answer";
        }

        @Override
        public Transport create(TransportContext context) {
            return this;
        }

        @Override
        public Set<String> schemes() {
            return Set.of("answer");
        }

        @Override
        public ClientTransport client() {
            return call -> ANSWER;
        }

        @Override
        public Optional<ServerTransport> server() {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }
}
