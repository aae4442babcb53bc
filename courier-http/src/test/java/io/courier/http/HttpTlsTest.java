package io.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.courier.CallContext;
import io.courier.Courier;
import io.courier.PeerIdentity;
import io.courier.Tls;
import io.courier.UnavailableException;
import io.courier.annotation.Get;
import io.courier.annotation.Service;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import io.courier.test.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST server and client over TLS, checked with the JDK's own HTTP client and sockets:
 * HTTP/2 by ALPN and HTTP/1.1, mutual TLS refusing a client without a certificate, the client's
 * identity in {@link CallContext#peer()}, key stores, and certificate files replaced while a
 * connection is open.
 */
class HttpTlsTest {
    /** Answers with what the server knows of the caller's certificate. */
    @Service("whoami")
    public interface WhoAmI {
        record Identity(String subject, List<String> dnsNames, List<String> uris, String spiffeId) {
        }

        @Get("/whoami")
        Identity whoAmI();
    }

    static final class WhoAmIImpl implements WhoAmI {
        @Override
        public Identity whoAmI() {
            PeerIdentity p = CallContext.current().peer().orElse(null);
            if (p == null) {
                return new Identity("anonymous", List.of(), List.of(), null);
            }
            return new Identity(p.subject(), p.dnsNames(), p.uris().stream().map(URI::toString).toList(),
                    p.spiffeId().map(URI::toString).orElse(null));
        }
    }

    @TempDir
    Path dir;
    private TestCertificates.Files pki;
    private Courier server;

    @BeforeEach
    void pki() {
        pki = TestCertificates.writeFiles(dir);
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private Courier serve(Tls tls) {
        server = Courier.builder().name("tls-server").tls(tls).build().serve(WhoAmI.class, new WhoAmIImpl());
        return server;
    }

    private Tls.Builder serverTls() {
        return Tls.builder().keyCertificate(pki.serverCert(), pki.serverKey()).trust(pki.ca());
    }

    /** An SSLContext trusting the test CA and, when {@code withClientCert}, presenting the client certificate. */
    private SSLContext jdkContext(boolean withClientCert) throws Exception {
        KeyStore trust = pki.authority().trustStore();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withClientCert) {
            kmf = io.courier.internal.TlsMaterial.load(Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey())
                    .build()).keyManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static HttpResponse<String> get(SSLContext ssl, HttpClient.Version version, URI uri) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(ssl).version(version)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            return http.send(HttpRequest.newBuilder(uri.resolve("/whoami")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void theServerSpeaksHttp2ByAlpnAndHttp11OverTls() throws Exception {
        Courier s = serve(serverTls().build());

        assertThat(s.uri().getScheme()).isEqualTo("https");
        HttpResponse<String> h2 = get(jdkContext(false), HttpClient.Version.HTTP_2, s.uri());
        HttpResponse<String> h1 = get(jdkContext(false), HttpClient.Version.HTTP_1_1, s.uri());

        assertThat(h2.statusCode()).isEqualTo(200);
        assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(h2.body()).contains("anonymous");
        assertThat(h1.statusCode()).isEqualTo(200);
        assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    /**
     * Over TLS too, with HTTP/1.1 chosen by ALPN or by a client that offers none, a request with
     * both a length and chunks is refused and its connection closed: the request behind it is
     * not answered.
     */
    @Test
    void aRequestWithBothALengthAndChunksIsRefusedOverTls() throws Exception {
        Courier s = serve(serverTls().build());
        for (boolean alpn : new boolean[] {true, false}) {
            try (SSLSocket socket = (SSLSocket) jdkContext(false).getSocketFactory()
                    .createSocket(s.uri().getHost(), s.uri().getPort())) {
                socket.setSoTimeout(5_000);
                if (alpn) {
                    javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
                    parameters.setApplicationProtocols(new String[] {"http/1.1"});
                    socket.setSSLParameters(parameters);
                }
                socket.getOutputStream().write(("GET /whoami HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\n"
                        + "transfer-encoding: chunked\r\n\r\n0\r\n\r\nGET /whoami HTTP/1.1\r\nhost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).as("ALPN: %s", alpn).startsWith("HTTP/1.1 400 ")
                        .contains("both Content-Length and Transfer-Encoding: chunked").doesNotContain("HTTP/1.1 200");
            }
        }
    }

    @Test
    void aPlaintextRequestToATlsServerFails() {
        Courier s = serve(serverTls().build());
        URI plain = URI.create("http://127.0.0.1:" + s.uri().getPort());

        Throwable thrown = catchThrowable(() -> {
            try (HttpClient http = HttpClient.newHttpClient()) {
                http.send(HttpRequest.newBuilder(plain.resolve("/whoami")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
            }
        });

        assertThat(thrown).isInstanceOf(IOException.class);
    }

    @Test
    void underRequireAClientWithoutACertificateIsRefusedAndOneWithItIsNamed() throws Exception {
        Courier s = serve(serverTls().clientAuth(Tls.ClientAuth.REQUIRE).build());

        Throwable refused = catchThrowable(() -> get(jdkContext(false), HttpClient.Version.HTTP_2, s.uri()));
        HttpResponse<String> named = get(jdkContext(true), HttpClient.Version.HTTP_2, s.uri());

        assertThat(refused).isInstanceOf(IOException.class);
        assertThat(named.statusCode()).isEqualTo(200);
        assertThat(named.body()).contains("\"spiffeId\":\"" + TestCertificates.CLIENT_SPIFFE_ID + "\"")
                .contains("CN=client,O=Courier Test").contains("client.test");
    }

    @Test
    void underOptionalBothAreServedAndOnlyTheCertifiedOneIsNamed() throws Exception {
        Courier s = serve(serverTls().clientAuth(Tls.ClientAuth.OPTIONAL).build());

        assertThat(get(jdkContext(false), HttpClient.Version.HTTP_1_1, s.uri()).body()).contains("anonymous");
        assertThat(get(jdkContext(true), HttpClient.Version.HTTP_1_1, s.uri()).body())
                .contains(TestCertificates.CLIENT_SPIFFE_ID.toString());
    }

    @Test
    void courierClientsCallOverHttpsAndH2WithTheirCertificate() {
        Courier s = serve(serverTls().clientAuth(Tls.ClientAuth.REQUIRE).build());
        Tls clientTls = Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey()).trust(pki.ca()).build();
        try (Courier c = Courier.builder().name("tls-client").tls(clientTls).build()) {
            WhoAmI h1 = c.client(WhoAmI.class).target(s.uri()).build();
            WhoAmI h2 = c.client(WhoAmI.class).target(URI.create("h2://localhost:" + s.uri().getPort())).build();

            assertThat(h1.whoAmI().spiffeId()).isEqualTo(TestCertificates.CLIENT_SPIFFE_ID.toString());
            assertThat(h2.whoAmI().subject()).isEqualTo("CN=client,O=Courier Test");
            assertThat(h2.whoAmI().uris()).containsExactly(TestCertificates.CLIENT_SPIFFE_ID.toString());
        }
    }

    @Test
    void aCourierClientWithoutTheCertificateIsRefusedUnderRequire() {
        Courier s = serve(serverTls().clientAuth(Tls.ClientAuth.REQUIRE).build());
        try (Courier c = Courier.builder().name("no-cert").tls(Tls.builder().trust(pki.ca()).build()).build()) {
            WhoAmI h2 = c.client(WhoAmI.class).target(URI.create("h2://127.0.0.1:" + s.uri().getPort())).build();

            assertThat(catchThrowable(h2::whoAmI)).isInstanceOf(UnavailableException.class);
        }
    }

    @Test
    void aClientRefusesAServerItsTrustDoesNotVouchFor() {
        Courier s = serve(serverTls().build());
        TestCertificates.Authority other = TestCertificates.authority("Other CA");
        Path otherCa = other.writePem(dir.resolve("other-ca.crt"));
        try (Courier c = Courier.builder().name("other").tls(Tls.builder().trust(otherCa).build()).build()) {
            WhoAmI client = c.client(WhoAmI.class).target(s.uri()).build();

            assertThat(catchThrowable(client::whoAmI)).isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("unable to find valid certification path");
        }
    }

    @Test
    void aCourierWithoutTlsCallsTlsTargetsTrustingOnlyTheJdksAuthorities() {
        Courier s = serve(serverTls().build());
        try (Courier plain = Courier.builder().name("plain").build()) {
            WhoAmI client = plain.client(WhoAmI.class).target(s.uri()).build();

            assertThat(catchThrowable(client::whoAmI)).isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("cannot connect to");
        }
    }

    @Test
    void hostnamesAreVerifiedUnlessTurnedOff() {
        TestCertificates.Issued elsewhere = pki.authority().serverOnly("elsewhere", "elsewhere.example");
        elsewhere.writePem(dir.resolve("elsewhere.crt"), dir.resolve("elsewhere.key"));
        Courier s = serve(Tls.builder().keyCertificate(dir.resolve("elsewhere.crt"), dir.resolve("elsewhere.key"))
                .build());
        Tls verifying = Tls.builder().trust(pki.ca()).build();
        Tls lenient = Tls.builder().trust(pki.ca()).hostnameVerification(false).build();
        try (Courier strict = Courier.builder().name("strict").tls(verifying).build();
             Courier loose = Courier.builder().name("loose").tls(lenient).build()) {
            assertThat(catchThrowable(() -> strict.client(WhoAmI.class).target(s.uri()).build().whoAmI()))
                    .isInstanceOf(UnavailableException.class).hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");
            assertThat(loose.client(WhoAmI.class).target(s.uri()).build().whoAmI().subject()).isEqualTo("anonymous");
        }
    }

    @Test
    void keyStoresWorkAsPemFilesDo() throws Exception {
        char[] password = "secret".toCharArray();
        TestCertificates.Issued cert = pki.authority().server("keystore");
        Courier s = serve(Tls.builder().keyStore(cert.keyStore(password), password)
                .trustStore(pki.authority().trustStore()).build());

        try (SSLSocket socket = handshake(s)) {
            assertThat(leaf(socket).getSubjectX500Principal().getName()).isEqualTo("CN=keystore,O=Courier Test");
        }
    }

    @Test
    void aServerWithoutACertificateFailsToStartSayingWhatIsMissing() {
        Tls trustOnly = Tls.builder().trust(pki.ca()).build();

        assertThatThrownBy(() -> serve(trustOnly)).hasMessageContaining("no certificate")
                .hasMessageContaining("keyCertificate");
    }

    @Test
    void aKeyOfAnotherCertificateFailsTheBuildNamingBoth() {
        Tls mismatched = Tls.builder().keyCertificate(pki.serverCert(), pki.clientKey()).build();

        assertThatThrownBy(() -> Courier.builder().tls(mismatched).build()).hasMessageContaining("client.key")
                .hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void aMissingFileFailsTheBuildNamingIt() {
        Tls missing = Tls.builder().keyCertificate(dir.resolve("nope.crt"), pki.serverKey()).build();

        assertThatThrownBy(() -> Courier.builder().tls(missing).build()).hasMessageContaining("nope.crt");
    }

    @Test
    void newHandshakesGetAReplacedCertificateWhileAnOpenConnectionCarriesOn() throws Exception {
        Courier s = serve(serverTls().reloadInterval(Duration.ofMillis(50)).build());
        try (SSLSocket old = handshake(s)) {
            BigInteger oldSerial = leaf(old).getSerialNumber();
            assertThat(request(old)).startsWith("HTTP/1.1 200");

            TestCertificates.Issued next = pki.authority().server("server-2");
            try (LogCapture log = LogCapture.start()) {
                next.writePem(pki.serverCert(), pki.serverKey());
                Await.until(Duration.ofSeconds(10), "a new handshake presenting the new certificate",
                        () -> serialOfNewHandshake(s).equals(next.certificate().getSerialNumber()));
                Await.until(Duration.ofSeconds(5), "the reload logged at INFO",
                        () -> log.lines("INFO").stream().anyMatch(l -> l.contains("TLS files reloaded")));
            }

            assertThat(next.certificate().getSerialNumber()).isNotEqualTo(oldSerial);
            assertThat(leaf(old).getSerialNumber()).isEqualTo(oldSerial);
            assertThat(request(old)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aReplacedTrustFileLetsClientsOfTheNewAuthorityIn() throws Exception {
        Courier s = serve(serverTls().clientAuth(Tls.ClientAuth.REQUIRE).reloadInterval(Duration.ofMillis(50)).build());
        TestCertificates.Authority next = TestCertificates.authority("Next CA");
        next.client("rotated", URI.create("spiffe://courier.test/rotated"))
                .writePem(dir.resolve("rotated.crt"), dir.resolve("rotated.key"));
        Path nextCa = next.writePem(dir.resolve("next-ca.crt"));
        Tls rotatedClient = Tls.builder().keyCertificate(dir.resolve("rotated.crt"), dir.resolve("rotated.key"))
                .trust(pki.ca()).build();
        try (Courier c = Courier.builder().name("rotated").tls(rotatedClient).build()) {
            WhoAmI client = c.client(WhoAmI.class).target(s.uri()).build();
            assertThat(catchThrowable(client::whoAmI)).isInstanceOf(UnavailableException.class);

            Files.writeString(pki.ca(), Files.readString(pki.ca()) + Files.readString(nextCa));

            Await.until(Duration.ofSeconds(10), "the new authority's client served", () -> {
                try {
                    return client.whoAmI().spiffeId().equals("spiffe://courier.test/rotated");
                } catch (UnavailableException refusedStill) {
                    return false;
                }
            });
        }
    }

    @Test
    void aBrokenReplacementIsLoggedAndTheOldCertificateStays() throws Exception {
        Courier s = serve(serverTls().reloadInterval(Duration.ofMillis(50)).build());
        BigInteger before = serialOfNewHandshake(s);

        try (LogCapture log = LogCapture.start()) {
            Files.writeString(pki.serverCert(), "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
            Await.until(Duration.ofSeconds(10), "the broken file logged at WARN",
                    () -> log.lines("WARN").stream().anyMatch(l -> l.contains("cannot be used")));
        }

        assertThat(serialOfNewHandshake(s)).isEqualTo(before);
        assertThat(get(jdkContext(false), HttpClient.Version.HTTP_2, s.uri()).statusCode()).isEqualTo(200);
    }

    private SSLSocket handshake(Courier s) throws Exception {
        SSLSocket socket = (SSLSocket) jdkContext(false).getSocketFactory().createSocket("127.0.0.1", s.uri().getPort());
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    private BigInteger serialOfNewHandshake(Courier s) {
        try (SSLSocket socket = handshake(s)) {
            return leaf(socket).getSerialNumber();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate leaf(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    /** One HTTP/1.1 request on an open connection, kept alive; the response's head and body. */
    private static String request(SSLSocket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write("GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }
}
