package io.courier.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.Tls;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.conformance.RecordingListener;
import io.courier.internal.TlsPem;
import io.courier.test.Await;
import io.courier.test.TestCertificates;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.ClientInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client certificate renewed under a running discovery: the files replaced, ZooKeeper
 * restarted on its port, and the discovery's reconnected session authenticated by the server
 * with the new certificate, still registered and watching.
 */
class ZooKeeperTlsRenewalTest {
    private static final String SERVICE = "zk-renewed";

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

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

    private static ZooKeeperDiscovery discovery(EmbeddedZooKeeper zk, Tls tls) {
        // A session outlasting the restart, so the reconnect is the same session on a new connection.
        return ZooKeeperDiscovery.builder().connectString(zk.connectString()).sessionTimeout(Duration.ofSeconds(60))
                .connectionTimeout(Duration.ofSeconds(30)).registerTimeout(Duration.ofSeconds(60)).tls(tls).build();
    }

    /** The identities the server holds for {@code d}'s current connection, as x509 users; empty while disconnected. */
    private static List<String> x509Users(ZooKeeperDiscovery d) {
        try {
            if (!d.curator().getZookeeperClient().isConnected()) {
                return List.of();
            }
            return d.curator().getZookeeperClient().getZooKeeper().whoAmI().stream()
                    .filter(c -> c.getAuthScheme().equals("x509")).map(ClientInfo::getUser).toList();
        } catch (Exception e) {
            return List.of(); // between connections
        }
    }

    private static ServiceInstance instance(String id, int port) {
        return ServiceInstance.of(SERVICE, id, List.of(URI.create("http://127.0.0.1:" + port)));
    }

    private static List<String> ids(RecordingListener l) {
        List<ServiceInstance> last = l.last();
        return last == null ? List.of() : last.stream().map(ServiceInstance::id).toList();
    }

    @Test
    void aReconnectAfterTheFilesAreReplacedPresentsTheNewCertificate() throws Exception {
        TestCertificates.Files pki = TestCertificates.writeFiles(dir);
        Path serverStore = dir.resolve("server.pem");
        Files.writeString(serverStore, TlsPem.of(Tls.builder().keyCertificate(pki.serverCert(), pki.serverKey()).build())
                .keyAndChain().orElseThrow());
        EmbeddedZooKeeper zk = closeLater(EmbeddedZooKeeper.startSecure(Files.createDirectories(dir.resolve("data")),
                serverStore, pki.ca()));

        Path own = Files.createDirectories(dir.resolve("client"));
        Path cert = own.resolve("tls.crt");
        Path key = own.resolve("tls.key");
        pki.authority().client("first", TestCertificates.CLIENT_SPIFFE_ID).writePem(cert, key);
        ZooKeeperDiscovery renewed = closeLater(discovery(zk, Tls.builder().keyCertificate(cert, key).trust(pki.ca())
                .reloadInterval(Duration.ofMillis(50)).build()));
        ZooKeeperDiscovery other = closeLater(discovery(zk, Tls.builder()
                .keyCertificate(pki.clientCert(), pki.clientKey()).trust(pki.ca()).build()));

        renewed.register(instance("r1", 7301));
        RecordingListener watching = new RecordingListener();
        closeLater(renewed.watch(SERVICE, watching));
        Await.until(Duration.ofSeconds(30), "r1 in the watch", () -> ids(watching).equals(List.of("r1")),
                watching::toString);
        assertThat(x509Users(renewed)).as("the server's identities of the first connection")
                .singleElement().asString().contains("CN=first");

        // The renewal, as cert-manager writes it: new files renamed over the old ones.
        pki.authority().client("second", TestCertificates.CLIENT_SPIFFE_ID)
                .writePem(own.resolve("new.crt"), own.resolve("new.key"));
        Files.move(own.resolve("new.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(own.resolve("new.crt"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String store = renewed.zooKeeperTls().config().getProperty("zookeeper.ssl.keyStore.location");
        String renewedStore = TlsPem.of(Tls.builder().keyCertificate(cert, key).build()).keyAndChain().orElseThrow();
        Await.until(Duration.ofSeconds(10), "the client's key store written again",
                () -> renewedStore.equals(read(Path.of(store))));
        // The open connection keeps the certificate it was made with.
        assertThat(x509Users(renewed)).singleElement().asString().contains("CN=first");

        zk.stop(); // every connection drops; the same port and data come back, and the sessions with them
        zk.start();

        Await.until(Duration.ofSeconds(60), "the reconnected session authenticated as CN=second",
                () -> x509Users(renewed).stream().anyMatch(u -> u.contains("CN=second")),
                () -> "x509 users: " + x509Users(renewed));
        assertThat(x509Users(renewed)).singleElement().asString().doesNotContain("CN=first");

        // Discovery works again, both ways: what it registers is seen, and its watch hears changes.
        renewed.register(instance("r2", 7302));
        RecordingListener seen = new RecordingListener();
        closeLater(other.watch(SERVICE, seen));
        Await.until(Duration.ofSeconds(30), "r1 and r2 seen by another client", () -> ids(seen).equals(List.of("r1", "r2")),
                seen::toString);
        other.register(instance("o1", 7303));
        Await.until(Duration.ofSeconds(30), "o1 in the renewed client's watch",
                () -> ids(watching).equals(List.of("o1", "r1", "r2")), watching::toString);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
