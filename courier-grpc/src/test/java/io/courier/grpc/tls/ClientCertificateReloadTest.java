package io.courier.grpc.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.CallContext;
import io.courier.Courier;
import io.courier.PeerIdentity;
import io.courier.Tls;
import io.courier.annotation.Get;
import io.courier.annotation.Service;
import io.courier.grpc.GrpcTransportFactory;
import io.courier.http.HttpTransportFactory;
import io.courier.http.ServerLimits;
import io.courier.test.Await;
import io.courier.test.TestCertificates;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's certificate from PEM files is reloaded when the files change: over mutual TLS, the
 * server sees the new certificate on the client's new connections, REST and gRPC alike. (Before
 * the reload, a new connection presents the old certificate: the test fails without it.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientCertificateReloadTest {
    /** Who the server says is calling. */
    @Service("peer")
    public interface Peer {
        @Get("/peer")
        String subject();
    }

    @TempDir
    Path dir;

    @Test
    void newConnectionsPresentTheNewClientCertificate() throws Exception {
        TestCertificates.Files pki = TestCertificates.writeFiles(dir);
        Tls serverTls = Tls.builder().keyCertificate(pki.serverCert(), pki.serverKey()).trust(pki.ca())
                .clientAuth(Tls.ClientAuth.REQUIRE).build();
        // Idle connections are closed quickly, so the client opens new ones while the test polls.
        try (Courier server = Courier.builder().name("server").tls(serverTls)
                .transport(HttpTransportFactory.builder().limits(ServerLimits.builder()
                        .idleTimeout(Duration.ofSeconds(1)).build()).build())
                .transport(GrpcTransportFactory.builder().build()).build()
                .serve(Peer.class, () -> CallContext.current().peer().map(PeerIdentity::subject).orElse("anonymous"));
             Courier client = Courier.builder().name("client").tls(Tls.builder()
                     .keyCertificate(pki.clientCert(), pki.clientKey()).trust(pki.ca())
                     .reloadInterval(Duration.ofMillis(100)).build()).build()) {
            URI grpcs = server.uris().stream().filter(u -> u.getScheme().equals("grpcs")).findFirst().orElseThrow();
            Peer rest = client.client(Peer.class).target(server.uri()).build();
            Peer grpc = client.client(Peer.class).target(grpcs).build();
            assertThat(rest.subject()).contains("CN=client").doesNotContain("renewed");
            assertThat(grpc.subject()).contains("CN=client").doesNotContain("renewed");

            pki.authority().client("client-renewed", TestCertificates.CLIENT_SPIFFE_ID)
                    .writePem(pki.clientCert(), pki.clientKey());
            FileTime later = FileTime.from(Instant.now().plusSeconds(5)); // a change whatever the file system's granularity
            Files.setLastModifiedTime(pki.clientCert(), later);
            Files.setLastModifiedTime(pki.clientKey(), later);

            Await.until(Duration.ofSeconds(20), "REST calls from the renewed certificate",
                    () -> renewed(rest));
            Await.until(Duration.ofSeconds(20), "gRPC calls from the renewed certificate",
                    () -> renewed(grpc));
        }
    }

    /**
     * Whether a call past the server's idle timeout, so on a new connection, comes from the
     * renewed certificate. A call that meets the idle close of its pooled connection is refused
     * retry-safe: that is the idle timeout, not the reload, and the next poll tries again.
     */
    private static boolean renewed(Peer peer) {
        sleep(1200);
        try {
            return peer.subject().contains("CN=client-renewed");
        } catch (io.courier.UnavailableException closedWhileSent) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
