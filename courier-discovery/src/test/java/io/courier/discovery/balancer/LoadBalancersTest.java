package io.courier.discovery.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.UnavailableException;
import io.courier.discovery.Endpoint;
import io.courier.discovery.LoadBalancer;
import io.courier.discovery.ServiceInstance;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The balancers on made-up endpoints and latencies: no network, no clock but the one they read. */
class LoadBalancersTest {
    private static Endpoint endpoint(String name, String zone, int weight) {
        URI uri = URI.create("http://" + name + ":80");
        return new Endpoint(uri, new ServiceInstance("svc", name, List.of(uri),
                Map.of(ServiceInstance.ZONE, zone, ServiceInstance.WEIGHT, Integer.toString(weight)), ServiceInstance.Health.UP));
    }

    private static Endpoint endpoint(String name) {
        return endpoint(name, "", 100);
    }

    /** Sends {@code calls} one after another, each taking its endpoint's latency; counts picks by host. */
    private static Map<String, Integer> drive(LoadBalancer lb, List<Endpoint> endpoints, Map<String, Long> latencyNanos,
                                              int calls) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            Endpoint e = lb.pick(endpoints, null);
            lb.onStart(e);
            lb.onEnd(e, latencyNanos.getOrDefault(e.uri().getHost(), 1_000_000L), null);
            counts.merge(e.uri().getHost(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinTakesEachInTurn() {
        List<Endpoint> eps = List.of(endpoint("a"), endpoint("b"), endpoint("c"));
        LoadBalancer rr = LoadBalancers.roundRobin();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(rr.pick(eps, null).uri().getHost());
        }
        assertThat(order).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void weightedSpreadsTurnsInProportionAndEvenly() {
        List<Endpoint> eps = List.of(endpoint("a", "", 500), endpoint("b", "", 100), endpoint("c", "", 100));
        LoadBalancer w = LoadBalancers.weighted();
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            first.add(w.pick(eps, null).uri().getHost());
        }
        assertThat(first).containsExactly("a", "a", "b", "a", "c", "a", "a");
        assertThat(drive(w, eps, Map.of(), 700)).containsEntry("a", 500).containsEntry("b", 100).containsEntry("c", 100);
    }

    @Test
    void zonePreferenceStaysInZoneWhileItCan() {
        Endpoint near = endpoint("near", "eu-1", 100);
        Endpoint far1 = endpoint("far1", "us-1", 100);
        Endpoint far2 = endpoint("far2", "us-1", 100);
        LoadBalancer lb = LoadBalancers.preferZone("eu-1", LoadBalancers.roundRobin());
        assertThat(drive(lb, List.of(far1, near, far2), Map.of(), 30)).containsOnlyKeys("near");
        assertThat(drive(lb, List.of(far1, far2), Map.of(), 30)).containsOnlyKeys("far1", "far2");
    }

    @Test
    void powerOfTwoChoicesSendsLessToASlowInstanceThanRoundRobin() {
        List<Endpoint> eps = List.of(endpoint("fast1"), endpoint("fast2"), endpoint("slow"));
        Map<String, Long> latency = Map.of("fast1", 1_000_000L, "fast2", 1_000_000L, "slow", 20_000_000L);
        Map<String, Integer> rr = drive(LoadBalancers.roundRobin(), eps, latency, 3000);
        Map<String, Integer> p2c = drive(LoadBalancers.powerOfTwoChoices(), eps, latency, 3000);
        assertThat(rr.get("slow")).isEqualTo(1000);
        // The slow one wins no draw once measured: it keeps only the picks before its first answer.
        assertThat(p2c.getOrDefault("slow", 0)).isLessThan(rr.get("slow") / 10);
    }

    @Test
    void powerOfTwoChoicesAvoidsEndpointsWithCallsOutstanding() {
        List<Endpoint> eps = List.of(endpoint("busy"), endpoint("idle"));
        LoadBalancer p2c = LoadBalancers.powerOfTwoChoices();
        Endpoint busy = eps.get(0);
        for (int i = 0; i < 5; i++) {
            p2c.onStart(busy); // five calls that have not answered
        }
        assertThat(drive(p2c, eps, Map.of(), 100)).containsOnlyKeys("idle");
    }

    @Test
    void powerOfTwoChoicesStopsPickingAnUnreachableEndpointAfterOneFailure() {
        List<Endpoint> eps = List.of(endpoint("a"), endpoint("b"), endpoint("dead"));
        LoadBalancer p2c = LoadBalancers.powerOfTwoChoices();
        Endpoint dead = eps.get(2);
        p2c.onStart(dead);
        p2c.onEnd(dead, 300_000, new UnavailableException("connection refused"));
        assertThat(drive(p2c, eps, Map.of(), 1000)).doesNotContainKey("dead");
    }

    @Test
    void powerOfTwoChoicesGivesANewEndpointTrafficAtOnce() {
        List<Endpoint> old = List.of(endpoint("a"), endpoint("b"));
        LoadBalancer p2c = LoadBalancers.powerOfTwoChoices();
        drive(p2c, old, Map.of("a", 5_000_000L, "b", 5_000_000L), 100);
        List<Endpoint> grown = List.of(endpoint("a"), endpoint("b"), endpoint("new"));
        p2c.onEndpoints(grown);
        assertThat(drive(p2c, grown, Map.of("a", 5_000_000L, "b", 5_000_000L, "new", 5_000_000L), 30))
                .containsKey("new");
    }
}
