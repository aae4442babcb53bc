package io.courier.discovery.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceView;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.io.IOException;
import java.net.SocketTimeoutException;
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

    @Test
    void aServerThatNeverAnswersFailsTheLookupWithinTheDefaultTimeout() {
        server.silent(true);
        long start = System.nanoTime();
        assertThatThrownBy(() -> DnsLookup.srv(server.url()).lookup(NAME)).isInstanceOf(SocketTimeoutException.class)
                .hasMessage("DNS SRV lookup of " + NAME + ": no answer from " + server.url() + " within 5000 ms (expected: a"
                        + " name server that answers in time; an answer it sent could not be read if it was cut short or"
                        + " too large for UDP without the truncation bit)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the time the lookup took").isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void anAnswerCutShortFailsTheLookupWithinItsTimeout() {
        server.srv(NAME, List.of(new LoopbackDnsServer.Srv(10, 30, 8081, "a.inventory.test")));
        server.cutAt(40); // within the answer's records, and no truncation bit
        long start = System.nanoTime();
        assertThatThrownBy(() -> DnsLookup.srv(server.url(), Duration.ofMillis(900)).lookup(NAME))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("within 900 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(server.queries()).as("asked twice").isEqualTo(2);
    }

    @Test
    void aCnameLoopIsAnErrorThatKeepsTheLastAnswerNotAnEmptyList() throws IOException {
        server.srv(NAME, List.of(new LoopbackDnsServer.Srv(10, 30, 8081, "a.inventory.test")));
        try (DnsDiscovery dns = DnsDiscovery.builder().lookup(DnsLookup.srv(server.url()))
                .name(s -> "_http._tcp." + s + ".test").ttl(Duration.ofMillis(50)).build();
             ServiceView view = ServiceView.watch(dns, "inventory"); LogCapture log = LogCapture.start()) {
            Await.until(Duration.ofSeconds(10), "the first answer", () -> view.instances().size() == 1, view::toString);
            server.remove(NAME);
            server.cname(NAME, "b.inventory.test");
            server.cname("b.inventory.test", NAME);

            Await.until(Duration.ofSeconds(10), "stale", view::isStale, view::toString);
            assertThat(view.instances()).hasSize(1);
            assertThat(view.lastError().orElseThrow()).hasMessage("DNS SRV lookup of " + NAME + ": CNAME loop "
                    + NAME + " -> b.inventory.test -> " + NAME + " (expected: a chain of CNAMEs that ends at a name)");
            Await.until(Duration.ofSeconds(5), "the warning", () -> !log.lines("WARN").isEmpty());
            assertThat(log.lines("WARN")).as("%s", log).singleElement().asString().contains("registry unreachable", "CNAME loop");
        }
        server.remove(NAME);
        server.remove("b.inventory.test");
        server.cname(NAME, "b.inventory.test");
        server.cname("b.inventory.test", "c.inventory.test");
        server.srv("c.inventory.test", List.of());
        assertThat(DnsLookup.srv(server.url()).lookup(NAME)).as("a chain to a name without SRV records").isEmpty();
        server.srv("c.inventory.test", List.of(new LoopbackDnsServer.Srv(10, 30, 8081, "a.inventory.test")));
        assertThat(DnsLookup.srv(server.url()).lookup(NAME)).as("a chain to SRV records").hasSize(1);
    }

    @Test
    void aTargetNameTooLongForAnIdIsListedAndATargetTwiceIsOneInstance() {
        String label = "x".repeat(60);
        String longName = String.join(".", label, label, label, label) + ".test"; // 249 characters: a DNS name
        server.srv(NAME, List.of(new LoopbackDnsServer.Srv(10, 30, 8081, "a.inventory.test"),
                new LoopbackDnsServer.Srv(10, 30, 8082, longName),
                new LoopbackDnsServer.Srv(10, 50, 8081, "a.inventory.test")));
        try (DnsDiscovery dns = DnsDiscovery.builder().lookup(DnsLookup.srv(server.url()))
                .name(s -> "_http._tcp." + s + ".test").ttl(Duration.ofMillis(50)).build();
             ServiceView view = ServiceView.watch(dns, "inventory")) {
            Await.until(Duration.ofSeconds(10), "the first answer", () -> !view.instances().isEmpty() || view.isStale(),
                    view::toString);

            assertThat(view.isStale()).as("%s", view).isFalse();
            assertThat(view.instances()).extracting(i -> i.uris().get(0)).containsExactlyInAnyOrder(
                    URI.create("http://a.inventory.test:8081"), URI.create("http://" + longName + ":8082"));
            assertThat(view.instances()).extracting(ServiceInstance::id).allSatisfy(id -> assertThat(id).hasSizeLessThanOrEqualTo(200));
        }
    }

    @Test
    void extremeTtlsWeightsPrioritiesAndTheTruncationBitAreReadAsTheyAre() throws IOException {
        server.srv(NAME, List.of(new LoopbackDnsServer.Srv(65535, 65535, 65535, "a.inventory.test"),
                new LoopbackDnsServer.Srv(0, 0, 1, "b.inventory.test")));
        List<DnsLookup.Target> expected = List.of(new DnsLookup.Target("a.inventory.test", 65535, 65535, 65535),
                new DnsLookup.Target("b.inventory.test", 1, 1, 0)); // weight 0: the least there is
        for (long ttl : new long[] {0, 0xFFFFFFFFL}) {
            server.ttl(ttl); // not cached by the resolver: DnsDiscovery asks again every TTL of its own
            assertThat(DnsLookup.srv(server.url()).lookup(NAME)).as("TTL %d", ttl).containsExactlyElementsOf(expected);
        }
        server.truncated(true); // TCP next, where nobody listens: the UDP answer is taken
        assertThat(DnsLookup.srv(server.url()).lookup(NAME)).containsExactlyElementsOf(expected);
    }
}
