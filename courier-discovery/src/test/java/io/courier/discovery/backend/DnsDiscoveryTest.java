package io.courier.discovery.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.discovery.Discovery;
import io.courier.discovery.conformance.DiscoveryConformance;
import io.courier.discovery.conformance.RecordingListener;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceView;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** DNS against a fake name server: a table of names, and a switch that makes it fail. */
class DnsDiscoveryTest extends DiscoveryConformance {
    private final Map<String, List<DnsLookup.Target>> table = new ConcurrentHashMap<>();
    private final AtomicBoolean down = new AtomicBoolean();

    private final AtomicInteger lookups = new AtomicInteger();

    private List<DnsLookup.Target> answer(String name) throws IOException {
        lookups.incrementAndGet();
        if (down.get()) {
            throw new IOException("SERVFAIL");
        }
        return List.copyOf(table.getOrDefault(name, List.of()));
    }

    @Override
    protected Discovery create() {
        return DnsDiscovery.builder().lookup(this::answer).name(s -> s + ".svc.test").ttl(Duration.ofMillis(20)).build();
    }

    @Override
    protected void publish(ServiceInstance instance) {
        URI u = instance.uris().get(0);
        table.compute(instance.service() + ".svc.test", (k, v) -> {
            List<DnsLookup.Target> l = v == null ? new ArrayList<>() : new ArrayList<>(v);
            l.add(new DnsLookup.Target(u.getHost(), u.getPort(), 100));
            return l;
        });
    }

    @Override
    protected void unpublish(ServiceInstance instance) {
        URI u = instance.uris().get(0);
        table.computeIfPresent(instance.service() + ".svc.test",
                (k, v) -> v.stream().filter(t -> !(t.host().equals(u.getHost()) && t.port() == u.getPort())).toList());
    }

    @Override
    protected boolean carriesMetadata() {
        return false;
    }

    @Override
    protected boolean isRegistry() {
        return false;
    }

    @Test
    void addressRecordsTakeTheConfiguredSchemeAndPort() {
        table.put("inventory.svc.test", List.of(new DnsLookup.Target("10.0.0.1", 0, 100),
                new DnsLookup.Target("fd00::1", 0, 100)));
        try (DnsDiscovery dns = DnsDiscovery.builder().lookup(this::answer).name(s -> s + ".svc.test")
                .scheme("h2c").port(9090).ttl(Duration.ofMillis(20)).build()) {
            RecordingListener l = new RecordingListener();
            dns.watch("inventory", l);
            Await.until(Duration.ofSeconds(5), "the expected state", () -> l.last() != null, l::toString);
            assertThat(l.uris()).containsExactlyInAnyOrder(URI.create("h2c://10.0.0.1:9090"), URI.create("h2c://[fd00::1]:9090"));
        }
    }

    @Test
    void srvWeightsBecomeInstanceWeights() {
        table.put("inventory.svc.test", List.of(new DnsLookup.Target("10.0.0.1", 8081, 30)));
        RecordingListener l = new RecordingListener();
        discovery.watch("inventory", l);
        Await.until(Duration.ofSeconds(5), "the expected state", () -> l.last() != null && !l.last().isEmpty(), l::toString);
        assertThat(l.last().get(0).weight()).isEqualTo(30);
        assertThat(l.last().get(0).uris()).containsExactly(URI.create("http://10.0.0.1:8081"));
    }

    @Test
    void aFailingNameServerKeepsTheLastAnswer() {
        table.put("inventory.svc.test", List.of(new DnsLookup.Target("10.0.0.1", 8081, 100)));
        try (ServiceView view = ServiceView.watch(discovery, "inventory"); LogCapture log = LogCapture.start()) {
            Await.until(Duration.ofSeconds(5), "first answer", () -> view.instances().size() == 1);
            down.set(true);
            Await.until(Duration.ofSeconds(5), "stale", view::isStale);
            assertThat(view.instances()).hasSize(1);
            assertThat(view.lastError().orElseThrow()).hasMessage("SERVFAIL");
            // An outage of the registry is said once, at WARN, with what the view does about it.
            Await.until(Duration.ofSeconds(5), "the warning", () -> !log.lines("WARN").isEmpty());
            assertThat(log.lines("WARN")).as("%s", log).singleElement().asString()
                    .contains("Discovery of inventory (dns): registry unreachable (java.io.IOException: SERVFAIL);"
                            + " keeping the last 1 known instances");
            down.set(false);
            Await.until(Duration.ofSeconds(5), "fresh again", () -> !view.isStale());
            assertThat(view.instances()).hasSize(1);
        }
    }

    @Test
    void theSystemResolverReadsLocalhost() throws IOException {
        assertThat(DnsLookup.addresses().lookup("localhost")).isNotEmpty()
                .allSatisfy(t -> assertThat(t.port()).isZero());
        assertThat(DnsLookup.addresses().lookup("no-such-host.invalid")).isEmpty();
    }

    @Test
    void atMostTheBoundOfTargetsIsListedAndTheRestIsSaidOnce() {
        List<DnsLookup.Target> many = new ArrayList<>();
        for (int n = 0; n < DnsDiscovery.MAX_TARGETS + 500; n++) {
            many.add(new DnsLookup.Target(String.format("10.0.%d.%d", n / 250, n % 250 + 1), 8080, 100));
        }
        table.put("inventory.svc.test", many);
        try (LogCapture log = LogCapture.start()) {
            RecordingListener l = new RecordingListener();
            discovery.watch("inventory", l);
            Await.until(Duration.ofSeconds(5), "a list", () -> l.last() != null, l::toString);
            assertThat(l.last()).hasSize(DnsDiscovery.MAX_TARGETS);
            int asked = lookups.get();
            Await.until(Duration.ofSeconds(5), "three more lookups", () -> lookups.get() >= asked + 3);
            assertThat(log.lines("WARN")).as("%s", log).singleElement().asString().contains("DNS discovery: skipping "
                    + "inventory.svc.test: 1500 targets (expected: at most 1000); only the first 1000 by host and port are listed");
        }
    }
}
