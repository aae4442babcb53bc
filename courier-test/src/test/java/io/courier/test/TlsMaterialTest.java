package io.courier.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.CallContext;
import io.courier.PeerIdentity;
import io.courier.Tls;
import io.courier.internal.TlsMaterial;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@link Tls} reads ({@link TlsMaterial}: PEM chains, PKCS#8 and PKCS#1 keys, and the
 * refusals that name the file) and what a verified certificate says ({@link PeerIdentity}).
 */
class TlsMaterialTest {
    @TempDir
    Path dir;

    @Test
    void aClientCertificateNamesItsSubjectDnsNameAndSpiffeId() {
        TestCertificates.Authority ca = TestCertificates.authority("CA");
        URI spiffe = URI.create("spiffe://example.org/ns/prod/sa/orders");

        PeerIdentity peer = PeerIdentity.of(ca.client("orders", spiffe).certificate());

        assertThat(peer.subject()).isEqualTo("CN=orders,O=Courier Test");
        assertThat(peer.dnsNames()).containsExactly("orders.test");
        assertThat(peer.ipAddresses()).isEmpty();
        assertThat(peer.uris()).containsExactly(spiffe);
        assertThat(peer.spiffeId()).contains(spiffe);
    }

    @Test
    void aServerCertificateNamesItsAddressesAndHasNoSpiffeId() {
        PeerIdentity peer = PeerIdentity.of(TestCertificates.authority("CA").server("api").certificate());

        assertThat(peer.dnsNames()).containsExactly("localhost");
        assertThat(peer.ipAddresses()).hasSize(2).contains("127.0.0.1");
        assertThat(peer.spiffeId()).isEmpty();
    }

    @Test
    void aContextHasAPeerOnlyWhenGivenOne() {
        PeerIdentity peer = PeerIdentity.of(TestCertificates.authority("CA").server("api").certificate());

        assertThat(CallContext.empty().peer()).isEmpty();
        assertThat(CallContext.empty().withPeer(peer).peer()).contains(peer);
        assertThat(CallContext.empty().withPeer(peer).withCaller("x").withTransport("http").peer()).contains(peer);
        assertThat(CallContext.empty().withPeer(peer).withPeer(null).peer()).isEmpty();
    }

    @Test
    void pemFilesLoadIntoKeyAndTrustManagers() {
        TestCertificates.Files pki = TestCertificates.writeFiles(dir);

        TlsMaterial m = TlsMaterial.load(Tls.builder().keyCertificate(pki.serverCert(), pki.serverKey())
                .trust(pki.ca()).build());

        assertThat(m.keyManagers()).isNotNull();
        assertThat(m.trustManagers()).isNotNull();
        assertThat(m.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=server,O=Courier Test");
    }

    @Test
    void anRsaKeyInPkcs1FormLoads() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        X500Name name = new X500Name("CN=rsa");
        Instant now = Instant.now();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.TEN, Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name,
                keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        byte[] pkcs1 = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive()
                .getEncoded();
        Path certFile = dir.resolve("rsa.crt");
        Path keyFile = dir.resolve("rsa.key");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("RSA PRIVATE KEY", pkcs1));

        TlsMaterial m = TlsMaterial.load(Tls.builder().keyCertificate(certFile, keyFile).build());

        assertThat(m.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=rsa");
        assertThat(m.keyManagers()).isNotNull();
    }

    @Test
    void encryptedAndSec1KeysAreRefusedSayingWhatToDo() throws Exception {
        TestCertificates.Files pki = TestCertificates.writeFiles(dir);
        Path encrypted = dir.resolve("encrypted.key");
        Path sec1 = dir.resolve("sec1.key");
        Files.writeString(encrypted, pem("ENCRYPTED PRIVATE KEY", new byte[]{1, 2, 3}));
        Files.writeString(sec1, pem("EC PRIVATE KEY", new byte[]{1, 2, 3}));

        assertThatThrownBy(() -> TlsMaterial.load(Tls.builder().keyCertificate(pki.serverCert(), encrypted).build()))
                .hasMessageContaining("encrypted.key").hasMessageContaining("expected: an unencrypted key");
        assertThatThrownBy(() -> TlsMaterial.load(Tls.builder().keyCertificate(pki.serverCert(), sec1).build()))
                .hasMessageContaining("sec1.key").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aFileWithoutACertificateIsRefusedNamingIt() throws Exception {
        TestCertificates.Files pki = TestCertificates.writeFiles(dir);
        Path empty = dir.resolve("empty.crt");
        Files.writeString(empty, "nothing here\n");

        assertThatThrownBy(() -> TlsMaterial.load(Tls.builder().keyCertificate(empty, pki.serverKey()).build()))
                .hasMessageContaining("empty.crt").hasMessageContaining("no CERTIFICATE block");
        assertThatThrownBy(() -> TlsMaterial.load(Tls.builder().trust(empty).build()))
                .hasMessageContaining("empty.crt").hasMessageContaining("no CERTIFICATE block");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
