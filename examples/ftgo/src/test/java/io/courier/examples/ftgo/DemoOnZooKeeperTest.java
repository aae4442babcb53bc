package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./courier demo --once --discovery zookeeper=HOST:PORT}: the service processes register
 * in, and find each other through, a ZooKeeper (embedded in this test, with the default tick),
 * and every step works, the killed consumer process leaving ZooKeeper when its session ends.
 */
class DemoOnZooKeeperTest {
    @TempDir
    Path dir;

    @Test
    void onceRunsEveryStepWithTheInstancesInZooKeeper() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Properties p = new Properties();
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("tickTime", "2000");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ZooKeeperServerEmbedded zk = ZooKeeperServerEmbedded.builder().baseDir(dir).configuration(p)
                .exitHandler(ExitHandler.LOG_ONLY).build()) {
            zk.start(30_000);
            int status = Demo.run(List.of("--once", "--discovery", "zookeeper=127.0.0.1:" + port),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(status).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(printed).contains("and ZooKeeper at 127.0.0.1:" + port + " (under /courier-demo-")
                    .contains("All steps worked.").doesNotContain("FAIL ")
                    .contains("attempts so far {consumer-", "consumer-2 left discovery ", "none failed;");
        }
    }

    @Test
    void aDiscoveryThatIsNeitherIsAClearError() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Demo.run(List.of("--once", "--discovery", "consul=127.0.0.1:8500"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--discovery consul=127.0.0.1:8500 (expected: local or "
                + "zookeeper=HOST:PORT)");
    }
}
