package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.discovery.ServiceInstance;
import io.courier.zookeeper.ZooKeeperDiscovery;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code courier instances SERVICE --zookeeper HOST:PORT} against a real ZooKeeper in this JVM. */
class InstancesOnZooKeeperTest {
    @TempDir
    Path dir;

    @Test
    void listsWhatZooKeeperKnowsWithHealth() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Properties p = new Properties();
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("tickTime", "500");
        try (ZooKeeperServerEmbedded zk = ZooKeeperServerEmbedded.builder().baseDir(dir).configuration(p)
                .exitHandler(ExitHandler.LOG_ONLY).build()) {
            zk.start(10_000);
            String address = "127.0.0.1:" + port;
            try (ZooKeeperDiscovery registry = ZooKeeperDiscovery.builder().connectString(address).build()) {
                registry.register(ServiceInstance.of("inventory", "inv-1", List.of(URI.create("http://127.0.0.1:8081"))));
                registry.register(ServiceInstance.of("inventory", "inv-2", List.of(URI.create("http://127.0.0.1:8082")))
                        .withHealth(ServiceInstance.Health.DRAINING));

                Cli c = Cli.run("instances", "inventory", "--zookeeper", address);
                assertThat(c.exit).as("%s", c).isZero();
                assertThat(c.out.toString()).startsWith("SERVICE").contains("inv-1", "UP", "http://127.0.0.1:8081",
                        "inv-2", "DRAINING", "(ZooKeeper at " + address + ")");

                Cli none = Cli.run("instances", "billing", "--zookeeper", address);
                assertThat(none.out.toString()).startsWith("No instances of billing registered in ZooKeeper at " + address);
            }
        }
        Cli all = Cli.run("instances", "--zookeeper", "127.0.0.1:1");
        assertThat(all.exit).isEqualTo(2);
        assertThat(all.err.toString()).contains("ZooKeeper is asked one service at a time");
    }
}
