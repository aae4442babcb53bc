package io.courier.test;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, made when the test runs (nothing to expire in the repository): a
 * certificate authority, and server and client certificates it signs, each written as PEM files
 * or put in a {@link KeyStore}. Keys are EC P-256.
 *
 * <pre>{@code
 * TestCertificates.Authority ca = TestCertificates.authority("Test CA");
 * TestCertificates.Issued server = ca.server("localhost");                       // SAN localhost, 127.0.0.1, ::1
 * TestCertificates.Issued client = ca.client("orders", URI.create("spiffe://example.org/orders"));
 * Path dir = Files.createTempDirectory("tls");
 * server.writePem(dir.resolve("server.crt"), dir.resolve("server.key"));
 * ca.writePem(dir.resolve("ca.crt"));
 * }</pre>
 */
public final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final Duration VALIDITY = Duration.ofDays(2);

    private TestCertificates() {
    }

    /** The SPIFFE ID of the client certificate {@link #writeFiles} makes. */
    public static final URI CLIENT_SPIFFE_ID = URI.create("spiffe://courier.test/ns/test/sa/client");

    /**
     * The PEM files of a test PKI, as {@link #writeFiles} writes them.
     *
     * @param authority  the CA that issued both certificates
     * @param ca         the CA's certificate ({@code ca.crt}): the trust file
     * @param serverCert the server's chain ({@code server.crt}), for localhost, 127.0.0.1 and ::1
     * @param serverKey  the server's key ({@code server.key})
     * @param clientCert the client's chain ({@code client.crt}), {@code CN=client} with {@link #CLIENT_SPIFFE_ID}
     * @param clientKey  the client's key ({@code client.key})
     */
    public record Files(Authority authority, Path ca, Path serverCert, Path serverKey, Path clientCert,
                        Path clientKey) {
    }

    /** A new CA with a server and a client certificate, written as PEM files into {@code dir}. */
    public static Files writeFiles(Path dir) {
        Authority ca = authority("Courier Test CA");
        Files f = new Files(ca, dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                dir.resolve("client.crt"), dir.resolve("client.key"));
        ca.writePem(f.ca());
        ca.server("server").writePem(f.serverCert(), f.serverKey());
        ca.client("client", CLIENT_SPIFFE_ID).writePem(f.clientCert(), f.clientKey());
        return f;
    }

    /** A new self-signed certificate authority named {@code CN=<name>}. */
    public static Authority authority(String name) {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        try {
            JcaX509v3CertificateBuilder b = builder(subject, subject, keys);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return new Authority(sign(b, keys), keys);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate authority: " + e, e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key generator in this JDK: " + e, e);
        }
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws GeneralSecurityException {
        try {
            ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(b.build(s));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes {@code text} to {@code file} through a temporary file and a move, as a deployment would. */
    private static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            java.nio.file.Files.createDirectories(parent);
            Path tmp = java.nio.file.Files.createTempFile(parent, ".tls-", ".tmp");
            java.nio.file.Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            java.nio.file.Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A certificate authority that issues server and client certificates. */
    public static final class Authority {
        private final X509Certificate certificate;
        private final KeyPair keys;

        private Authority(X509Certificate certificate, KeyPair keys) {
            this.certificate = certificate;
            this.keys = keys;
        }

        /** The authority's self-signed certificate. */
        public X509Certificate certificate() {
            return certificate;
        }

        /** Writes the authority's certificate as PEM, for a trust file. */
        public Path writePem(Path file) {
            write(file, pem(certificate));
            return file;
        }

        /** A trust store holding the authority's certificate. */
        public KeyStore trustStore() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setCertificateEntry("ca", certificate);
                return ks;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot make a trust store: " + e, e);
            }
        }

        /**
         * A server certificate {@code CN=<commonName>} for {@code localhost}, {@code 127.0.0.1} and
         * {@code ::1}, plus {@code extraDnsNames}.
         */
        public Issued server(String commonName, String... extraDnsNames) {
            List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
            for (String n : extraDnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, n));
            }
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            names.add(new GeneralName(GeneralName.iPAddress, "::1"));
            return issue(commonName, names, KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
        }

        /** A server certificate {@code CN=<commonName>} for {@code dnsNames} only: no loopback name or address. */
        public Issued serverOnly(String commonName, String... dnsNames) {
            List<GeneralName> names = new ArrayList<>();
            for (String n : dnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, n));
            }
            return issue(commonName, names, KeyPurposeId.id_kp_serverAuth);
        }

        /**
         * A client certificate {@code CN=<commonName>} whose alternative names are {@code uri} (a
         * SPIFFE ID, for example) and the DNS name {@code <commonName>.test}.
         */
        public Issued client(String commonName, URI uri) {
            Objects.requireNonNull(uri, "uri");
            List<GeneralName> names = List.of(new GeneralName(GeneralName.uniformResourceIdentifier, uri.toString()),
                    new GeneralName(GeneralName.dNSName, commonName + ".test"));
            return issue(commonName, names, KeyPurposeId.id_kp_clientAuth);
        }

        private Issued issue(String commonName, List<GeneralName> names, KeyPurposeId... purposes) {
            KeyPair leafKeys = keyPair();
            try {
                JcaX509v3CertificateBuilder b = builder(new X500Name(certificate.getSubjectX500Principal().getName()),
                        new X500Name("O=Courier Test,CN=" + commonName), leafKeys);
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(new GeneralName[0])));
                b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
                return new Issued(sign(b, keys), leafKeys, certificate);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot issue a test certificate for " + commonName + ": " + e, e);
            }
        }
    }

    /** A certificate issued by an {@link Authority}, with its private key. */
    public static final class Issued {
        private final X509Certificate certificate;
        private final KeyPair keys;
        private final X509Certificate issuer;

        private Issued(X509Certificate certificate, KeyPair keys, X509Certificate issuer) {
            this.certificate = certificate;
            this.keys = keys;
            this.issuer = issuer;
        }

        /** The certificate. */
        public X509Certificate certificate() {
            return certificate;
        }

        /**
         * Writes the certificate chain (this certificate, then the authority's) and the PKCS#8
         * private key as PEM, each through a temporary file and an atomic move.
         */
        public void writePem(Path chainFile, Path keyFile) {
            String key = "-----BEGIN PRIVATE KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            write(keyFile, key);
            write(chainFile, pem(certificate, issuer));
        }

        /** A key store holding the key and chain under the alias {@code key}, with {@code password}. */
        public KeyStore keyStore(char[] password) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("key", keys.getPrivate(), password, new Certificate[]{certificate, issuer});
                return ks;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot make a key store: " + e, e);
            }
        }
    }
}
