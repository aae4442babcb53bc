package io.courier.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Tls;
import io.courier.UnavailableException;
import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.conformance.DiscoveryConformance;
import io.courier.internal.TlsPem;
import io.courier.test.Await;
import io.courier.test.TestCertificates;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The discovery conformance suite over mutual TLS, against a ZooKeeper taking TLS only on its
 * {@code secureClientPort} and requiring client certificates; and the clients it refuses.
 */
class ZooKeeperTlsTest extends DiscoveryConformance {
    private static TestCertificates.Files pki;
    private static EmbeddedZooKeeper zk;

    @BeforeAll
    static void startServer() throws Exception {
        Path dir = Files.createTempDirectory("courier-zk-tls");
        pki = TestCertificates.writeFiles(dir);
        Path serverStore = dir.resolve("server.pem");
        Files.writeString(serverStore, TlsPem.of(Tls.builder().keyCertificate(pki.serverCert(), pki.serverKey()).build())
                .keyAndChain().orElseThrow());
        zk = EmbeddedZooKeeper.startSecure(Files.createDirectories(dir.resolve("data")), serverStore, pki.ca());
        // The first TLS connection of the JVM loads Netty's and the JDK's TLS classes, which on a
        // busy machine takes longer than the tests' session timeout: pay that once, patiently.
        try (ZooKeeperDiscovery warm = ZooKeeperDiscovery.builder().connectString(zk.connectString())
                .sessionTimeout(Duration.ofSeconds(30)).connectionTimeout(Duration.ofSeconds(30))
                .registerTimeout(Duration.ofSeconds(60)).tls(clientTls()).build()) {
            warm.register(ServiceInstance.of("zk-warm", "w1", List.of(URI.create("http://127.0.0.1:7001"))));
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (zk != null) {
            zk.close();
        }
    }

    private static Tls clientTls() {
        return Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey()).trust(pki.ca()).build();
    }

    @Override
    protected Discovery create() {
        return ZooKeeperDiscovery.builder().connectString(zk.connectString()).sessionTimeout(Duration.ofSeconds(4))
                .tls(clientTls()).build();
    }

    private static void refusedToRegister(Tls tls) {
        try (ZooKeeperDiscovery d = ZooKeeperDiscovery.builder().connectString(zk.connectString())
                .registerTimeout(Duration.ofSeconds(2)).tls(tls).build()) {
            assertThatThrownBy(() -> d.register(ServiceInstance.of("zk-refused", "r1",
                    List.of(URI.create("http://127.0.0.1:7001"))))).isInstanceOf(UnavailableException.class);
        }
    }

    @Test
    void aClientWithoutACertificateIsRefused() {
        refusedToRegister(Tls.builder().trust(pki.ca()).build());
    }

    @Test
    void aServerItsTrustDoesNotVouchForIsRefused() {
        refusedToRegister(Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey())
                .trustStore(TestCertificates.authority("Other CA").trustStore()).build());
    }

    @Test
    void aPlaintextClientIsRefused() {
        try (ZooKeeperDiscovery d = ZooKeeperDiscovery.builder().connectString(zk.connectString())
                .registerTimeout(Duration.ofSeconds(2)).build()) {
            assertThatThrownBy(() -> d.register(ServiceInstance.of("zk-refused", "p1",
                    List.of(URI.create("http://127.0.0.1:7001"))))).isInstanceOf(UnavailableException.class);
        }
    }

    @Test
    void theFilesWrittenForTheClientAreOwnedByItAndGoWithIt() throws Exception {
        ZooKeeperTls tls = ZooKeeperTls.of(clientTls());
        Path keyStore = Path.of(tls.config().getProperty("zookeeper.ssl.keyStore.location"));

        assertThat(Files.readString(keyStore)).startsWith("-----BEGIN PRIVATE KEY-----").contains("BEGIN CERTIFICATE");
        assertThat(Files.getPosixFilePermissions(keyStore.getParent()))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                        java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
        assertThat(tls.config().getProperty("zookeeper.client.secure")).isEqualTo("true");
        assertThat(tls.config().getProperty("zookeeper.ssl.hostnameVerification")).isEqualTo("true");
        tls.close();
        assertThat(keyStore.getParent()).doesNotExist();

        try (ZooKeeperTls jdkTrust = ZooKeeperTls.of(Tls.builder().hostnameVerification(false).build())) {
            assertThat(jdkTrust.config().getProperty("zookeeper.ssl.keyStore.location")).isEmpty();
            assertThat(jdkTrust.config().getProperty("zookeeper.ssl.trustStore.location")).isEmpty();
            assertThat(jdkTrust.config().getProperty("zookeeper.ssl.hostnameVerification")).isEqualTo("false");
        }
    }

    @Test
    void renewedFilesAreWrittenAgainForTheClientsNextConnection() throws Exception {
        Path own = Files.createTempDirectory("courier-zk-renewal");
        Path cert = own.resolve("tls.crt");
        Path key = own.resolve("tls.key");
        pki.authority().client("first", TestCertificates.CLIENT_SPIFFE_ID).writePem(cert, key);
        Tls tls = Tls.builder().keyCertificate(cert, key).trust(pki.ca()).reloadInterval(Duration.ofMillis(20)).build();
        try (ZooKeeperTls zt = ZooKeeperTls.of(tls)) {
            Path store = Path.of(zt.config().getProperty("zookeeper.ssl.keyStore.location"));
            String first = Files.readString(store);

            // The renewal, as cert-manager writes it: new files renamed over the old ones.
            pki.authority().client("renewed", TestCertificates.CLIENT_SPIFFE_ID)
                    .writePem(own.resolve("new.crt"), own.resolve("new.key"));
            Files.move(own.resolve("new.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(own.resolve("new.crt"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            String renewed = TlsPem.of(Tls.builder().keyCertificate(cert, key).build()).keyAndChain().orElseThrow();

            assertThat(renewed).isNotEqualTo(first);
            Await.until(Duration.ofSeconds(10), "the key store written again with the renewed certificate",
                    () -> renewed.equals(read(store)));
            // A connection made now with these settings presents it, and the server lets it in.
            org.apache.zookeeper.ZooKeeper client = new org.apache.zookeeper.ZooKeeper(zk.connectString(), 30_000,
                    event -> { }, zt.config());
            try {
                Await.until(Duration.ofSeconds(30), "connected with the renewed certificate",
                        () -> client.getState().isConnected());
                assertThat(client.exists("/", false)).isNotNull();
            } finally {
                client.close();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void tlsAndAClientOfItsOwnAreRefusedTogether() {
        assertThatThrownBy(() -> ZooKeeperDiscovery.builder()
                .client(org.apache.curator.framework.CuratorFrameworkFactory.newClient("127.0.0.1:1",
                        new org.apache.curator.retry.RetryOneTime(1)))
                .tls(clientTls()).build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("tls");
    }
}
