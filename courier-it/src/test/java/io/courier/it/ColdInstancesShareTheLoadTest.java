package io.courier.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.discovery.ServiceView;
import io.courier.discovery.backend.LocalDiscovery;
import io.courier.test.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default balancer (power of two choices) must not starve an instance for one slow answer.
 * Three instances on 127.0.0.1, found through {@code local} discovery, each answer their first
 * call 500 ms late (a cold start); a client with no balancer set calls them from four virtual
 * threads while the second and third join, then for 10 s more. Counted on the servers over
 * those 10 s, no instance may serve more than twice what another serves.
 */
class ColdInstancesShareTheLoadTest {
    /** The figures measured; at INFO, so a passing build prints nothing. */
    private static final Logger log = LoggerFactory.getLogger(ColdInstancesShareTheLoadTest.class);
    private static final Duration COLD = Duration.ofMillis(500);
    private static final Duration TRAFFIC = Duration.ofSeconds(10);

    @TempDir
    Path leases;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private LocalDiscovery discovery() {
        LocalDiscovery d = LocalDiscovery.builder().directory(leases).scanInterval(Duration.ofMillis(100)).build();
        closing.add(d);
        return d;
    }

    /** An instance whose first answer comes {@link #COLD} late; counts the calls it serves. */
    private AtomicInteger instance(String name, LocalDiscovery discovery) {
        AtomicInteger served = new AtomicInteger();
        AtomicBoolean cold = new AtomicBoolean(true);
        Courier c = Courier.builder().name(name).discovery(discovery).build();
        closing.add(c);
        c.serve(Echo.class, n -> {
            if (cold.getAndSet(false)) {
                try {
                    Thread.sleep(COLD);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            served.incrementAndGet();
            return n;
        });
        return served;
    }

    @Test
    void threeInstancesWithAColdFirstCallShareTheLoadWithinTwiceOfEachOther() throws Exception {
        LocalDiscovery servers = discovery();
        Courier client = Courier.builder().name("caller").discovery(discovery()).build();
        closing.add(client);
        ServiceView view = client.discovered("echo");
        Map<String, AtomicInteger> served = new TreeMap<>();
        served.put("echo-a", instance("echo-a", servers));
        Await.until(Duration.ofSeconds(10), "echo-a listed", () -> view.instances().size() == 1, view::toString);
        // No loadBalancer(...): the default, power of two choices from courier-discovery.
        Echo echo = client.client(Echo.class).target("discovery:echo?scheme=http").deadline(Duration.ofSeconds(5)).build();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger failures = new AtomicInteger();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(callers.submit(() -> {
                    for (long n = 0; running.get(); n++) {
                        try {
                            echo.echo(n);
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            // The others join under load, one after the other: each one's cold first answer
            // comes while its siblings answer in a millisecond, as when a client meets a new
            // instance. Counting starts once all three are listed.
            for (String name : List.of("echo-b", "echo-c")) {
                Await.until(Duration.ofSeconds(10), "calls served", () -> served.values().stream().allMatch(n -> n.get() > 50));
                served.put(name, instance(name, servers));
                int listed = served.size();
                Await.until(Duration.ofSeconds(10), name + " listed", () -> view.instances().size() == listed, view::toString);
            }
            Map<String, Integer> before = new TreeMap<>();
            served.forEach((name, n) -> before.put(name, n.get()));
            long end = System.nanoTime() + TRAFFIC.toNanos();
            Await.until(TRAFFIC.plusSeconds(5), TRAFFIC + " of traffic", () -> System.nanoTime() >= end);
            running.set(false);
            for (Future<?> f : done) {
                f.get();
            }
            served.forEach((name, n) -> before.put(name, n.get() - before.get(name)));
            log.info("calls served per instance in {}: {}", TRAFFIC, before); // with -Dorg.slf4j.simpleLogger.log.io.courier.it=info
            int least = before.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
            int most = before.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertThat(failures).hasValue(0);
            assertThat(least).as("served per instance: %s", before).isGreaterThan(100);
            assertThat(most).as("served per instance: %s", before).isLessThanOrEqualTo(2 * least);
        }
    }
}
