package io.courier.zookeeper;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** A real ZooKeeper server in this JVM, on loopback, that can be stopped and started again on its port. */
final class EmbeddedZooKeeper implements AutoCloseable {
    private final Path dir;
    private final int port;
    private ZooKeeperServerEmbedded server;

    private EmbeddedZooKeeper(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static EmbeddedZooKeeper start(Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, port);
        zk.start();
        return zk;
    }

    /** Starts (again) on the same port and data. */
    void start() throws Exception {
        Properties p = new Properties();
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("admin.enableServer", "false"); // else Jetty takes port 8080
        p.setProperty("tickTime", "500");           // sessions down to 1 s, for quick tests
        p.setProperty("initLimit", "5");
        p.setProperty("syncLimit", "2");
        server = ZooKeeperServerEmbedded.builder().baseDir(dir).configuration(p).exitHandler(ExitHandler.LOG_ONLY).build();
        server.start(10_000);
    }

    /** Stops the server; clients see the connection drop. */
    void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
