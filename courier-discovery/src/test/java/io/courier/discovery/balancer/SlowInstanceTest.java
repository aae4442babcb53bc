package io.courier.discovery.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.discovery.LoadBalancer;
import io.courier.discovery.backend.StaticDiscovery;
import io.courier.discovery.client.Echo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Three real REST instances on loopback, one slow: power-of-two-choices sends it less than round robin does. */
class SlowInstanceTest {
    /** The figures measured; at INFO, so a passing build prints nothing. */
    private static final Logger log = LoggerFactory.getLogger(SlowInstanceTest.class);
    private final StaticDiscovery registry = StaticDiscovery.create();
    private final List<Courier> couriers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        couriers.forEach(Courier::close);
    }

    private void serve(String name, long delayMillis) {
        Courier c = Courier.builder().name(name).discovery(registry).build();
        couriers.add(c);
        c.serve(Echo.class, () -> {
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis); // the instance's own slowness, which the balancer must notice
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return name;
        });
    }

    private Map<String, AtomicInteger> load(Courier client, LoadBalancer lb) throws Exception {
        Echo echo = client.client(Echo.class).loadBalancer(lb).build();
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        counts.computeIfAbsent(echo.whoami(), k -> new AtomicInteger()).incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        return counts;
    }

    @Test
    void powerOfTwoChoicesSendsLessToTheSlowInstance() throws Exception {
        serve("fast1", 0);
        serve("fast2", 0);
        serve("slow", 25);
        Courier client = Courier.builder().name("client").discovery(registry).build();
        couriers.add(client);
        Map<String, AtomicInteger> rr = load(client, LoadBalancers.roundRobin());
        Map<String, AtomicInteger> p2c = load(client, LoadBalancers.powerOfTwoChoices());
        int rrSlow = rr.get("slow").get();
        int p2cSlow = p2c.getOrDefault("slow", new AtomicInteger()).get();
        String figures = String.format("slow instance share of 240 calls: round robin %d, power of two choices %d", rrSlow, p2cSlow);
        log.info("{}", figures); // with -Dorg.slf4j.simpleLogger.log.io.courier.discovery.balancer=info
        assertThat(rrSlow).as(figures).isBetween(70, 90); // a third, give or take the interleaving of four callers
        assertThat(p2cSlow).as(figures).isLessThan(rrSlow / 2);
    }
}
