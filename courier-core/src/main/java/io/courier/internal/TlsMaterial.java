package io.courier.internal;

import io.courier.Tls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The key managers and trust managers a {@link Tls} describes, read once: from PEM files (with
 * the JDK alone) or from the given key stores. Transports wrap them in their own options; a
 * change of the files is a new {@code TlsMaterial} ({@link TlsWatcher}).
 *
 * @param keyManagers   the certificate and key to present; null without a certificate
 * @param trustManagers the authorities to verify the peer with (the JDK's when none are configured)
 * @param certificate   the leaf certificate presented; null without one
 */
public record TlsMaterial(KeyManagerFactory keyManagers, TrustManagerFactory trustManagers,
                          X509Certificate certificate) {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+?)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    /**
     * Reads what {@code tls} names.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     * @throws UncheckedIOException     when a file cannot be read
     */
    public static TlsMaterial load(Tls tls) {
        KeyManagerFactory kmf = null;
        X509Certificate leaf = null;
        try {
            KeyStore keys = null;
            char[] password = NO_PASSWORD;
            if (tls.certificateChainFile().isPresent()) {
                Path chainFile = tls.certificateChainFile().get();
                Path keyFile = tls.privateKeyFile().orElseThrow();
                List<X509Certificate> chain = certificates(chainFile);
                if (chain.isEmpty()) {
                    throw new IllegalArgumentException("certificate chain " + chainFile + ": no CERTIFICATE block"
                            + " (expected: a PEM file with the leaf certificate first, then its intermediates)");
                }
                PrivateKey key = privateKey(keyFile, chain.get(0));
                requireMatch(key, chain.get(0), keyFile, chainFile);
                keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("courier", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
                leaf = chain.get(0);
            } else if (tls.keyStore().isPresent()) {
                keys = tls.keyStore().get();
                password = tls.keyStorePassword().orElse(NO_PASSWORD);
                leaf = firstLeaf(keys);
            }
            if (keys != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (!tls.trustFiles().isEmpty()) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int n = 0;
                for (Path file : tls.trustFiles()) {
                    List<X509Certificate> cas = certificates(file);
                    if (cas.isEmpty()) {
                        throw new IllegalArgumentException("trust file " + file + ": no CERTIFICATE block"
                                + " (expected: PEM certificates of the authorities to trust)");
                    }
                    for (X509Certificate ca : cas) {
                        trust.setCertificateEntry("ca-" + n++, ca);
                    }
                }
                tmf.init(trust);
            } else {
                tmf.init(tls.trustStore().orElse(null));
            }
            return new TlsMaterial(kmf, tmf, leaf);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS " + tls + ": " + e.getMessage()
                    + " (expected: a certificate chain with its matching private key, and readable trust)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("TLS " + tls + ": " + e.getMessage(), e);
        }
    }

    /**
     * A client {@link javax.net.ssl.SSLContext} with what {@code tls} names: for clients of
     * brokers and registries that take one (amqp-client, for instance).
     *
     * @throws IllegalArgumentException naming the file when a file cannot be used
     */
    public static javax.net.ssl.SSLContext sslContext(Tls tls) {
        return RenewableTls.context(load(tls));
    }

    /** Signs a few bytes with the key and checks them with the certificate: a key of another certificate fails here, not in handshakes. */
    private static void requireMatch(PrivateKey key, X509Certificate leaf, Path keyFile, Path chainFile)
            throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = "courier-tls-key-check".getBytes(StandardCharsets.US_ASCII);
        java.security.Signature signer = java.security.Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
        verifier.initVerify(leaf.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new IllegalArgumentException("private key " + keyFile + " does not belong to the certificate "
                    + leaf.getSubjectX500Principal().getName() + " in " + chainFile
                    + " (expected: the key the first certificate of the chain was issued for)");
        }
    }

    private static X509Certificate firstLeaf(KeyStore keys) throws GeneralSecurityException {
        for (String alias : java.util.Collections.list(keys.aliases())) {
            if (keys.isKeyEntry(alias) && keys.getCertificate(alias) instanceof X509Certificate c) {
                return c;
            }
        }
        throw new IllegalArgumentException("key store: no private key entry with an X.509 certificate"
                + " (expected: one key entry with its certificate chain)");
    }

    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (Block b : blocks(file)) {
            if (b.type().equals("CERTIFICATE")) {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            }
        }
        return out;
    }

    static PrivateKey privateKey(Path file, X509Certificate leaf) throws IOException, GeneralSecurityException {
        String algorithm = leaf.getPublicKey().getAlgorithm();
        for (Block b : blocks(file)) {
            byte[] pkcs8 = switch (b.type()) {
                case "PRIVATE KEY" -> b.der();
                case "RSA PRIVATE KEY" -> rsaPkcs1ToPkcs8(b.der());
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("private key " + file
                        + ": encrypted (expected: an unencrypted key; protect the file by its permissions)");
                case "EC PRIVATE KEY" -> throw new IllegalArgumentException("private key " + file
                        + ": SEC1 EC key (expected: PKCS#8; convert with `openssl pkcs8 -topk8 -nocrypt`)");
                default -> null;
            };
            if (pkcs8 != null) {
                PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                return key;
            }
        }
        throw new IllegalArgumentException("private key " + file + ": no PRIVATE KEY block"
                + " (expected: a PEM file with the unencrypted key of the certificate)");
    }

    /** PKCS#1 RSAPrivateKey wrapped in a PKCS#8 PrivateKeyInfo with the rsaEncryption algorithm. */
    private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
                0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int len = content.length;
        byte[] header;
        if (len < 0x80) {
            header = new byte[]{(byte) tag, (byte) len};
        } else if (len < 0x100) {
            header = new byte[]{(byte) tag, (byte) 0x81, (byte) len};
        } else if (len < 0x10000) {
            header = new byte[]{(byte) tag, (byte) 0x82, (byte) (len >> 8), (byte) len};
        } else {
            header = new byte[]{(byte) tag, (byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
        }
        byte[] out = new byte[header.length + len];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(content, 0, out, header.length, len);
        return out;
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": the " + m.group(1) + " block is not valid Base64", e);
            }
        }
        return out;
    }

    /** The key under which {@link #peer} keeps a session's identity. */
    private static final String PEER = "io.courier.peer";
    /** What {@link #peer} keeps for a session without a client certificate. */
    private static final Object NO_PEER = new Object();

    /**
     * The verified client identity of a TLS session: its leaf certificate's, or null without a
     * client certificate. Worked out once per session and kept in it, since every request of a
     * connection (and of a resumed session) asks again, and a session without a client
     * certificate answers by throwing.
     */
    public static io.courier.PeerIdentity peer(javax.net.ssl.SSLSession session) {
        if (session == null) {
            return null;
        }
        Object kept = session.getValue(PEER);
        if (kept == null) {
            kept = NO_PEER;
            try {
                Certificate[] chain = session.getPeerCertificates();
                if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                    kept = io.courier.PeerIdentity.of(leaf);
                }
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                // No client certificate: a plain TLS client.
            }
            session.putValue(PEER, kept);
        }
        return kept instanceof io.courier.PeerIdentity p ? p : null;
    }
}
