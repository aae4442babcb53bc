package io.courier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Tls;
import io.courier.internal.TlsPem;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a {@link Tls} gives clients that take PEM text ({@link TlsPem}): from PEM files and from key stores alike. */
class TlsPemTest {
    @TempDir
    Path dir;

    @Test
    void pemFilesComeOutAsPkcs8KeyChainAndTrust() throws Exception {
        TestCertificates.Files pki = TestCertificates.writeFiles(dir);

        TlsPem pem = TlsPem.of(Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey()).trust(pki.ca()).build());

        assertThat(pem.privateKey().orElseThrow()).startsWith("-----BEGIN PRIVATE KEY-----\n");
        KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(pem.privateKey().orElseThrow())));
        assertThat(certificates(pem.certificateChain().orElseThrow())).hasSize(2).first()
                .extracting(c -> c.getSubjectX500Principal().getName()).isEqualTo("CN=client,O=Courier Test");
        assertThat(certificates(pem.trustedAuthorities().orElseThrow())).singleElement()
                .isEqualTo(pki.authority().certificate());
        assertThat(pem.keyAndChain().orElseThrow()).startsWith(pem.privateKey().orElseThrow())
                .endsWith(pem.certificateChain().orElseThrow());
        assertThat(pem.toString()).doesNotContain("BEGIN");
    }

    @Test
    void keyStoresComeOutAsPemToo() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("CA");
        char[] password = "secret".toCharArray();

        TlsPem pem = TlsPem.of(Tls.builder().keyStore(ca.server("api").keyStore(password), password)
                .trustStore(ca.trustStore()).build());

        KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(pem.privateKey().orElseThrow())));
        assertThat(certificates(pem.certificateChain().orElseThrow())).hasSize(2);
        assertThat(certificates(pem.trustedAuthorities().orElseThrow())).containsExactly(ca.certificate());
    }

    @Test
    void withoutCertificateOrTrustThereIsNothingToGive() {
        TlsPem pem = TlsPem.of(Tls.builder().build());

        assertThat(pem.privateKey()).isEmpty();
        assertThat(pem.certificateChain()).isEmpty();
        assertThat(pem.trustedAuthorities()).isEmpty();
        assertThat(pem.keyAndChain()).isEmpty();
    }

    @Test
    void aTrustFileWithoutCertificatesIsRefusedNamingIt() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.crt"), "nothing here\n");

        assertThatThrownBy(() -> TlsPem.of(Tls.builder().trust(empty).build()))
                .hasMessageContaining("empty.crt").hasMessageContaining("no CERTIFICATE block");
    }

    private static byte[] der(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }

    @SuppressWarnings("unchecked")
    private static List<X509Certificate> certificates(String pem) throws Exception {
        return (List<X509Certificate>) (List<?>) List.copyOf(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
    }
}
