package io.courier.discovery.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceView;
import io.courier.test.Await;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DNS discovery against a real name server on loopback (UDP, Netty's DNS codec), through the
 * JDK's resolver: SRV records give hosts, ports and weights, and only the lowest priority is
 * used while it has targets.
 */
class DnsServerTest {
    private static final String NAME = "_http._tcp.inventory.test";
    private final LoopbackDnsServer server;

    DnsServerTest() throws InterruptedException {
        server = new LoopbackDnsServer();
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void srvRecordsFromARealServerGiveHostsPortsWeightsAndPriorities() throws IOException {
        server.srv(NAME, List.of(new LoopbackDnsServer.Srv(10, 30, 8081, "a.inventory.test"),
                new LoopbackDnsServer.Srv(20, 100, 8083, "backup.inventory.test")));

        List<DnsLookup.Target> targets = DnsLookup.srv(server.url()).lookup(NAME);

        assertThat(targets).containsExactlyInAnyOrder(new DnsLookup.Target("a.inventory.test", 8081, 30, 10),
                new DnsLookup.Target("backup.inventory.test", 8083, 100, 20));
        assertThat(DnsLookup.srv(server.url()).lookup("_http._tcp.nothing.test")).as("NXDOMAIN: no instances").isEmpty();
    }

    @Test
    void discoveryListsTheLowestPriorityWithItsWeightsAndFallsBackWhenItIsGone() {
        server.srv(NAME, List.of(new LoopbackDnsServer.Srv(10, 30, 8081, "a.inventory.test"),
                new LoopbackDnsServer.Srv(10, 70, 8082, "b.inventory.test"),
                new LoopbackDnsServer.Srv(20, 100, 8083, "backup.inventory.test")));
        try (DnsDiscovery dns = DnsDiscovery.builder().lookup(DnsLookup.srv(server.url()))
                .name(s -> "_http._tcp." + s + ".test").ttl(Duration.ofMillis(50)).build();
             ServiceView view = ServiceView.watch(dns, "inventory")) {
            Await.until(Duration.ofSeconds(10), "the first answer", () -> view.instances().size() == 2);

            Map<URI, Integer> weights = view.instances().stream()
                    .collect(Collectors.toMap(i -> i.uris().get(0), ServiceInstance::weight));
            assertThat(weights).containsExactlyInAnyOrderEntriesOf(Map.of(
                    URI.create("http://a.inventory.test:8081"), 30, URI.create("http://b.inventory.test:8082"), 70));

            server.srv(NAME, List.of(new LoopbackDnsServer.Srv(20, 100, 8083, "backup.inventory.test")));
            Await.until(Duration.ofSeconds(10), "the backup, once the preferred targets are gone",
                    () -> view.instances().stream().anyMatch(i -> i.uris().get(0).getPort() == 8083));
            assertThat(view.instances()).hasSize(1);
        }
    }

    @Test
    void aRecordThatNamesNothingToCallIsSkippedAndHidesNoOther() {
        server.srv(NAME, List.of(new LoopbackDnsServer.Srv(10, 30, 8081, "a.inventory.test"),
                new LoopbackDnsServer.Srv(10, 30, 8082, ""), // ".": not offered here (RFC 2782)
                new LoopbackDnsServer.Srv(10, 30, 0, "zero.inventory.test"), // port 0, not "no port"
                new LoopbackDnsServer.Srv(10, 30, 8084, "b c.inventory.test"), // was cut to "b"
                new LoopbackDnsServer.Srv(10, 30, 8085, "b_c.inventory.test"))); // no host in a URI
        try (DnsDiscovery dns = DnsDiscovery.builder().lookup(DnsLookup.srv(server.url()))
                .name(s -> "_http._tcp." + s + ".test").ttl(Duration.ofMillis(50)).build();
             ServiceView view = ServiceView.watch(dns, "inventory")) {
            Await.until(Duration.ofSeconds(10), "the first answer", () -> !view.instances().isEmpty() || view.isStale(),
                    view::toString);

            assertThat(view.instances()).extracting(i -> i.uris().get(0))
                    .containsExactly(URI.create("http://a.inventory.test:8081"));
            assertThat(view.isStale()).isFalse();
        }
    }
}
