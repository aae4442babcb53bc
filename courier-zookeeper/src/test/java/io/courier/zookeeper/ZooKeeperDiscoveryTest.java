package io.courier.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.conformance.DiscoveryConformance;
import io.courier.discovery.conformance.RecordingListener;
import io.courier.discovery.internal.LeaseFormat;
import io.courier.test.Await;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The conformance suite against a real ZooKeeper, plus what only ZooKeeper does: sessions. */
class ZooKeeperDiscoveryTest extends DiscoveryConformance {
    private static EmbeddedZooKeeper zk;

    @BeforeAll
    static void startServer() throws Exception {
        zk = EmbeddedZooKeeper.start(Files.createTempDirectory("courier-zk"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        zk.close();
    }

    @Override
    protected Discovery create() {
        return ZooKeeperDiscovery.builder().connectString(zk.connectString()).sessionTimeout(Duration.ofSeconds(4)).build();
    }

    @Test
    void anInstanceGoesWithTheSessionOfItsOwner() {
        ZooKeeperDiscovery owner = ZooKeeperDiscovery.builder().connectString(zk.connectString()).build();
        ServiceInstance i = ServiceInstance.of("zk-owned", "o1", List.of(URI.create("http://127.0.0.1:7001")));
        owner.register(i);
        RecordingListener l = new RecordingListener();
        discovery.watch("zk-owned", l);
        Await.until(Duration.ofSeconds(5), "the expected state", () -> l.last() != null && l.last().size() == 1, l::toString);
        owner.close(); // ends the session: its ephemeral node goes without a deregister
        Await.until(Duration.ofSeconds(5), "the expected state", () -> l.last().isEmpty(), l::toString);
    }

    @Test
    void aNewWatchersFirstListIsTheWholeListNotTheFirstNodesRead() {
        try (ZooKeeperDiscovery owner = (ZooKeeperDiscovery) create(); ZooKeeperDiscovery reader = (ZooKeeperDiscovery) create()) {
            for (int n = 1; n <= 3; n++) {
                owner.register(ServiceInstance.of("zk-whole", "w" + n, List.of(URI.create("http://127.0.0.1:710" + n))));
            }
            RecordingListener l = new RecordingListener();
            reader.watch("zk-whole", l);
            Await.until(Duration.ofSeconds(5), "a first list", () -> !l.updates.isEmpty(), l::toString);
            assertThat(l.updates.get(0)).as("the first list a watcher hears").hasSize(3);
        }
    }

    @Test
    void noNewSessionsFirstListIsEmptyForARegisteredService() {
        try (ZooKeeperDiscovery owner = (ZooKeeperDiscovery) create()) {
            owner.register(ServiceInstance.of("zk-sessions", "s1", List.of(URI.create("http://127.0.0.1:7201"))));
            owner.register(ServiceInstance.of("zk-sessions", "s2", List.of(URI.create("http://127.0.0.1:7202"))));
            for (int n = 0; n < 50; n++) {
                // A new session each time: its connection event and its cache's first read race.
                try (ZooKeeperDiscovery reader = (ZooKeeperDiscovery) create()) {
                    RecordingListener l = new RecordingListener();
                    reader.watch("zk-sessions", l);
                    Await.until(Duration.ofSeconds(5), "a first list", () -> !l.updates.isEmpty(), l::toString);
                    assertThat(l.updates.get(0)).as("the first list of watch %d", n).hasSize(2);
                }
            }
        }
    }

    @Test
    void aServiceNobodyRegisteredIsAnsweredWithAnEmptyList() {
        try (ZooKeeperDiscovery reader = (ZooKeeperDiscovery) create()) {
            RecordingListener l = new RecordingListener();
            reader.watch("zk-nobody", l);
            Await.until(Duration.ofSeconds(5), "a first list", () -> !l.updates.isEmpty(), l::toString);
            assertThat(l.updates.get(0)).isEmpty();
            assertThat(l.errors).isEmpty();
        }
    }

    @Test
    void aNodeThatIsNotACallableLeaseOfItsOwnNameIsSkippedAndHidesNoOther() throws Exception {
        String dir = "/courier/services/zk-hostile";
        org.apache.curator.framework.CuratorFramework raw = ((ZooKeeperDiscovery) discovery).curator();
        raw.create().creatingParentsIfNeeded().forPath(dir + "/good", lease("zk-hostile", "good", "http://127.0.0.1:7301"));
        raw.create().forPath(dir + "/garbage", new byte[] {0, 1, 2, (byte) 0xff, '\\', 'u'});
        raw.create().forPath(dir + "/empty", new byte[0]);
        raw.create().forPath(dir + "/json", "{\"service\":\"zk-hostile\",\"id\":\"json\"}".getBytes(StandardCharsets.UTF_8));
        raw.create().forPath(dir + "/port0", lease("zk-hostile", "port0", "http://127.0.0.1:0"));
        raw.create().forPath(dir + "/nohost", lease("zk-hostile", "nohost", "http://a_b:80"));
        raw.create().forPath(dir + "/copy", lease("zk-hostile", "good", "http://127.0.0.1:7309")); // a second "good"
        raw.create().forPath(dir + "/other", lease("billing", "other", "http://127.0.0.1:7310"));
        raw.create().forPath(dir + "/big", (new String(lease("zk-hostile", "big", "http://127.0.0.1:7311"), StandardCharsets.ISO_8859_1)
                + "meta.pad=" + "x".repeat(LeaseFormat.MAX_BYTES) + "\n").getBytes(StandardCharsets.ISO_8859_1));

        RecordingListener l = new RecordingListener();
        discovery.watch("zk-hostile", l);
        Await.until(Duration.ofSeconds(5), "a first list", () -> l.last() != null, l::toString);
        raw.create().forPath(dir + "/later", lease("zk-hostile", "later", "http://127.0.0.1:7302"));
        Await.until(Duration.ofSeconds(5), "the later instance", () -> l.last().size() == 2, l::toString);

        assertThat(l.updates).allSatisfy(list -> assertThat(list).extracting(ServiceInstance::id).startsWith("good")
                .doesNotHaveDuplicates().isSubsetOf("good", "later"));
        assertThat(l.last()).extracting(i -> i.uris().get(0).getPort()).containsExactly(7301, 7302);
        assertThat(l.errors).isEmpty();
    }

    @Test
    void aNodeRewrittenInPlaceIsReadAgainAndANodeDeletedAndMadeAgainToo() throws Exception {
        String dir = "/courier/services/zk-rewritten";
        org.apache.curator.framework.CuratorFramework raw = ((ZooKeeperDiscovery) discovery).curator();
        raw.create().creatingParentsIfNeeded().forPath(dir + "/a", lease("zk-rewritten", "a", "http://127.0.0.1:7401"));
        raw.create().forPath(dir + "/b", lease("zk-rewritten", "b", "http://127.0.0.1:7402"));
        RecordingListener l = new RecordingListener();
        discovery.watch("zk-rewritten", l);
        Await.until(Duration.ofSeconds(5), "a first list", () -> l.last() != null && l.last().size() == 2, l::toString);

        raw.setData().forPath(dir + "/a", lease("zk-rewritten", "a", "http://127.0.0.1:7411")); // moved
        Await.until(Duration.ofSeconds(5), "a's new port", () -> ports(l.last()).equals(List.of(7411, 7402)), l::toString);
        raw.setData().forPath(dir + "/b", new byte[] {'?'}); // broken in place
        Await.until(Duration.ofSeconds(5), "b skipped", () -> ports(l.last()).equals(List.of(7411)), l::toString);
        raw.setData().forPath(dir + "/b", lease("zk-rewritten", "b", "http://127.0.0.1:7412")); // mended
        Await.until(Duration.ofSeconds(5), "b back", () -> ports(l.last()).equals(List.of(7411, 7412)), l::toString);
        raw.delete().forPath(dir + "/a");
        raw.create().forPath(dir + "/a", lease("zk-rewritten", "a", "http://127.0.0.1:7421"));
        Await.until(Duration.ofSeconds(5), "a made again", () -> ports(l.last()).equals(List.of(7421, 7412)), l::toString);
        assertThat(l.errors).isEmpty();
    }

    private static List<Integer> ports(List<ServiceInstance> instances) {
        return instances == null ? List.of() : instances.stream().map(i -> i.uris().get(0).getPort()).toList();
    }

    private static byte[] lease(String service, String id, String uri) {
        return LeaseFormat.encode(new LeaseFormat.Lease(ServiceInstance.of(service, id, List.of(URI.create(uri))), 1, 0, "", 0));
    }

    @Test
    void refusesABasePathThatIsNotAbsolute() {
        assertThatThrownBy(() -> ZooKeeperDiscovery.builder().basePath("courier/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("basePath: \"courier/\" (expected: /a/path without a trailing /)");
    }

}
