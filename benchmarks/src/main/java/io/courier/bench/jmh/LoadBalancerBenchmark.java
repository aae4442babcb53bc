package io.courier.bench.jmh;

import io.courier.Call;
import io.courier.CallContext;
import io.courier.contract.ServiceDescriptor;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.balancer.LoadBalancers;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * courier-discovery's balancers choosing the endpoint of one attempt, over 3 and 30 endpoints
 * in two zones, with latencies already learnt (what power-of-two-choices compares).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LoadBalancerBenchmark {
    /** A contract for the call being balanced. */
    @io.courier.annotation.Service("stock")
    public interface Stock {
        long level(long sku);
    }

    @Param({"roundRobin", "weighted", "powerOfTwoChoices", "preferZone"})
    public String balancer;

    @Param({"3", "30"})
    public int endpoints;

    private LoadBalancer lb;
    private List<Endpoint> candidates;
    private Call call;

    @Setup
    public void setUp() {
        lb = switch (balancer) {
            case "roundRobin" -> LoadBalancers.roundRobin();
            case "weighted" -> LoadBalancers.weighted();
            case "powerOfTwoChoices" -> LoadBalancers.powerOfTwoChoices();
            case "preferZone" -> LoadBalancers.preferZone("a", LoadBalancers.powerOfTwoChoices());
            default -> throw new IllegalArgumentException("balancer: " + balancer);
        };
        candidates = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            URI uri = URI.create("http://10.0.0." + (i + 1) + ":8080");
            ServiceInstance instance = ServiceInstance.of("stock", "stock-" + i, List.of(uri)).withMetadata(Map.of(
                    ServiceInstance.ZONE, i % 2 == 0 ? "a" : "b", ServiceInstance.WEIGHT, String.valueOf(50 + 10 * (i % 6))));
            candidates.add(new Endpoint(uri, instance));
        }
        candidates = List.copyOf(candidates);
        lb.onEndpoints(candidates);
        for (int i = 0; i < 100; i++) {
            Endpoint e = candidates.get(i % endpoints);
            lb.onStart(e);
            lb.onEnd(e, TimeUnit.MICROSECONDS.toNanos(200 + 50L * (i % endpoints)), null);
        }
        ServiceDescriptor service = ServiceDescriptor.of(Stock.class);
        call = Call.of(service, service.method("level").orElseThrow(), new Object[] {42L}, CallContext.empty(), null);
    }

    @Benchmark
    public Endpoint pick() {
        return lb.pick(candidates, call);
    }
}
