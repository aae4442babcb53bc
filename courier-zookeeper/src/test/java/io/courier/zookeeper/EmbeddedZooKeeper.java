package io.courier.zookeeper;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** A real ZooKeeper server in this JVM, on loopback, that can be stopped and started again on its port. */
final class EmbeddedZooKeeper implements AutoCloseable {
    /**
     * The server settings ZooKeeper keeps as system properties ({@code zookeeper.<name>}): the
     * embedded server passes what it does not know on to them, and its TLS reads them there.
     */
    private static final String[] TLS_PROPERTIES = {"serverCnxnFactory", "ssl.keyStore.location", "ssl.keyStore.type",
        "ssl.trustStore.location", "ssl.trustStore.type", "ssl.clientAuth", "authProvider.x509"};

    private final Path dir;
    private final int port;
    private final Properties tls;
    private ZooKeeperServerEmbedded server;

    private EmbeddedZooKeeper(Path dir, int port, Properties tls) {
        this.dir = dir;
        this.port = port;
        this.tls = tls;
    }

    static EmbeddedZooKeeper start(Path dir) throws Exception {
        EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, freePort(), null);
        zk.start();
        return zk;
    }

    /**
     * A server taking TLS only, on its {@code secureClientPort} (the Netty connection factory),
     * with a PEM key store ({@code keyAndChain}: the key, then the chain) and, when
     * {@code clientAuthorities} is not null, client certificates required and verified with it.
     */
    static EmbeddedZooKeeper startSecure(Path dir, Path keyAndChain, Path clientAuthorities) throws Exception {
        Properties tls = new Properties();
        tls.setProperty("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        tls.setProperty("ssl.keyStore.location", keyAndChain.toString());
        tls.setProperty("ssl.keyStore.type", "PEM");
        if (clientAuthorities != null) {
            tls.setProperty("ssl.trustStore.location", clientAuthorities.toString());
            tls.setProperty("ssl.trustStore.type", "PEM");
            tls.setProperty("ssl.clientAuth", "need");
        } else {
            tls.setProperty("ssl.clientAuth", "none");
        }
        tls.setProperty("authProvider.x509", "org.apache.zookeeper.server.auth.X509AuthenticationProvider");
        EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir, freePort(), tls);
        zk.start();
        return zk;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts (again) on the same port and data. */
    void start() throws Exception {
        Properties p = new Properties();
        if (tls == null) {
            p.setProperty("clientPort", Integer.toString(port));
            p.setProperty("clientPortAddress", "127.0.0.1");
        } else {
            p.setProperty("secureClientPort", Integer.toString(port));
            p.setProperty("secureClientPortAddress", "127.0.0.1");
            p.putAll(tls);
        }
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
        if (tls != null) {
            for (String name : TLS_PROPERTIES) {
                System.clearProperty("zookeeper." + name);
            }
        }
    }
}
