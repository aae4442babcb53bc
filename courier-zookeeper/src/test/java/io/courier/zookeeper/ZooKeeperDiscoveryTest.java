package io.courier.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.conformance.DiscoveryConformance;
import io.courier.discovery.conformance.RecordingListener;
import io.courier.test.Await;
import java.net.URI;
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
    void refusesABasePathThatIsNotAbsolute() {
        assertThatThrownBy(() -> ZooKeeperDiscovery.builder().basePath("courier/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("basePath: \"courier/\" (expected: /a/path without a trailing /)");
    }

}
