package io.courier.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Courier;
import io.courier.discovery.ServiceView;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ZooKeeper stops while clients call: calls keep flowing to the instances known before. */
class ZooKeeperOutageTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** The contract served; GET so it is idempotent. */
    @io.courier.annotation.Service("zk-echo")
    public interface ZkEcho {
        @io.courier.annotation.Get("/whoami")
        String whoami();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    private ZooKeeperDiscovery discovery(EmbeddedZooKeeper zk) {
        return closeLater(ZooKeeperDiscovery.builder().connectString(zk.connectString())
                .sessionTimeout(Duration.ofSeconds(20)).connectionTimeout(Duration.ofSeconds(2)).build());
    }

    @Test
    void callsKeepFlowingToKnownInstancesWhileZooKeeperIsDown() throws Exception {
        EmbeddedZooKeeper zk = closeLater(EmbeddedZooKeeper.start(dir));
        for (String name : List.of("a", "b")) {
            closeLater(Courier.builder().name(name).discovery(discovery(zk)).build()).serve(ZkEcho.class, () -> name);
        }
        Courier client = closeLater(Courier.builder().name("client").discovery(discovery(zk)).build());
        // Generous: the test is about which instances answer, not how fast a loaded machine is.
        ZkEcho echo = client.client(ZkEcho.class).deadline(Duration.ofSeconds(10)).build();
        ServiceView view = client.discovered("zk-echo");
        Await.until(Duration.ofSeconds(10), "the expected state", () -> view.instances().size() == 2, view::toString);

        try (LogCapture log = LogCapture.start()) {
            zk.stop();
            Await.until(Duration.ofSeconds(10), "the expected state", view::isStale, view::toString);
            assertThat(view.instances()).hasSize(2);
            Set<String> answered = new HashSet<>();
            // Both known instances keep answering: an endpoint never tried is probed on its first draw,
            // so 40 calls reach both (each must succeed).
            for (int i = 0; i < 40; i++) {
                answered.add(echo.whoami()); // throws if a call fails
            }
            assertThat(answered).containsExactlyInAnyOrder("a", "b");

            zk.start(); // same port and data: the sessions and their nodes survive
            Await.until(Duration.ofSeconds(20), "the expected state", () -> !view.isStale() && view.instances().size() == 2, view::toString);
            assertThat(echo.whoami()).isIn("a", "b");
            // The outage is expected: each Courier says so once at WARN, the client's view once that
            // it keeps the last known instances; no ERROR and no stack trace.
            Await.until(Duration.ofSeconds(5), "the expected state", () -> log.lines("WARN").stream().anyMatch(l -> l.contains("keeping the last 2")),
                    log::toString);
            assertThat(log.lines("WARN")).as("%s", log).allSatisfy(line -> assertThat(line).containsAnyOf(
                    "ZooKeeper connection SUSPENDED: resolvers keep the last known instances",
                    "Discovery of zk-echo (zookeeper): registry unreachable"));
            assertThat(log.lines("ERROR")).as("%s", log).isEmpty();
            assertThat(log.stackTraceLines()).as("%s", log).isEmpty();
        }
    }
}
