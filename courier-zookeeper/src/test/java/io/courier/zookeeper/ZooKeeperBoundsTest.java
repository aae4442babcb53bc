package io.courier.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.conformance.RecordingListener;
import io.courier.discovery.internal.LeaseFormat;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What nodes written by another tool, or by a hostile writer, may cost a watching backend: the
 * nodes below instance nodes are not read or kept, a node's data over the lease bound is not
 * read, and at most {@link ServiceNodes#MAX_INSTANCES} nodes of a service are.
 */
class ZooKeeperBoundsTest {
    /** Just under ZooKeeper's default packet bound (jute.maxbuffer, 1 MiB - 1), so the server takes it. */
    private static final byte[] BIG = filled(1_000_000);
    private static EmbeddedZooKeeper zk;

    @BeforeAll
    static void startServer() throws Exception {
        zk = EmbeddedZooKeeper.start(Files.createTempDirectory("courier-zk-bounds"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        zk.close();
    }

    private static ZooKeeperDiscovery discovery() {
        return ZooKeeperDiscovery.builder().connectString(zk.connectString()).sessionTimeout(Duration.ofSeconds(4)).build();
    }

    @Test
    void nodesBelowTheInstanceNodesAndNodesOverTheLeaseBoundAreNeitherKeptNorRead() throws Exception {
        String dir = "/courier/services/zk-deep";
        try (ZooKeeperDiscovery d = discovery(); LogCapture log = LogCapture.start()) {
            CuratorFramework raw = d.curator();
            raw.create().creatingParentsIfNeeded().forPath(dir + "/a", lease("zk-deep", "a", "http://127.0.0.1:7501"));
            for (int n = 0; n < 4; n++) {
                raw.create().forPath(dir + "/a/below" + n, BIG); // another tool's nodes under an instance
            }
            raw.create().forPath(dir + "/a/below0/deeper", BIG);
            raw.create().forPath(dir + "/huge", BIG); // an instance node no lease fits in

            RecordingListener l = new RecordingListener();
            d.watch("zk-deep", l);
            Await.until(Duration.ofSeconds(10), "a first list", () -> l.last() != null, l::toString);
            raw.setData().forPath(dir + "/a/below1", filled(900_000)); // no change of an instance
            raw.create().forPath(dir + "/b", lease("zk-deep", "b", "http://127.0.0.1:7502"));
            Await.until(Duration.ofSeconds(10), "b", () -> l.last().size() == 2, l::toString);

            assertThat(l.updates).allSatisfy(list -> assertThat(list).extracting(ServiceInstance::id).startsWith("a"));
            assertThat(l.errors).isEmpty();
            assertThat(d.heldPaths("zk-deep")).as("the nodes held").containsExactly(dir + "/a", dir + "/b");
            assertThat(d.heldBytes("zk-deep")).as("the bytes of node data held").isLessThan(2 * 1024);
            assertThat(log.lines("WARN")).as("%s", log).singleElement().asString()
                    .contains("ZooKeeper discovery: skipping " + dir + "/huge: lease: 1000000 bytes (expected: at most "
                            + LeaseFormat.MAX_BYTES + "); not read");
        }
    }

    @Test
    void atMostTheBoundOfInstanceNodesIsReadAndTheRestIsSaidOnce() throws Exception {
        String dir = "/courier/services/zk-many";
        int count = ServiceNodes.MAX_INSTANCES + 1;
        try (ZooKeeperDiscovery d = discovery(); LogCapture log = LogCapture.start()) {
            CuratorFramework raw = d.curator();
            raw.create().creatingParentsIfNeeded().forPath(dir);
            List<CuratorOp> ops = new ArrayList<>();
            for (int n = 0; n < count; n++) {
                String id = String.format("i%04d", n);
                ops.add(raw.transactionOp().create().forPath(dir + "/" + id, lease("zk-many", id, "http://127.0.0.1:7600")));
                if (ops.size() == 200 || n == count - 1) {
                    raw.transaction().forOperations(ops);
                    ops.clear();
                }
            }

            RecordingListener l = new RecordingListener();
            d.watch("zk-many", l);
            Await.until(Duration.ofSeconds(10), "a first list", () -> l.last() != null, l::toString);

            assertThat(l.last()).hasSize(ServiceNodes.MAX_INSTANCES);
            assertThat(l.last().get(ServiceNodes.MAX_INSTANCES - 1).id()).isEqualTo("i0999");
            assertThat(log.lines("WARN")).as("%s", log).singleElement().asString()
                    .contains("ZooKeeper discovery: skipping " + dir + ": " + count + " nodes (expected: at most "
                            + ServiceNodes.MAX_INSTANCES + " instances); only the first " + ServiceNodes.MAX_INSTANCES
                            + " by name are read");
            raw.delete().forPath(dir + "/i0000"); // below the bound again: every node listed, nothing said
            Await.until(Duration.ofSeconds(10), "i1000 listed", () -> l.last().get(l.last().size() - 1).id().equals("i1000"),
                    l::toString);
            assertThat(log.lines("WARN")).hasSize(1);
        }
    }

    private static byte[] lease(String service, String id, String uri) {
        return LeaseFormat.encode(new LeaseFormat.Lease(ServiceInstance.of(service, id, List.of(URI.create(uri))), 1, 0, "", 0));
    }

    private static byte[] filled(int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 'x');
        return b;
    }
}
