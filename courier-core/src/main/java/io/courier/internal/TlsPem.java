package io.courier.internal;

import io.courier.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link Tls} names, as PEM text: for the clients of brokers and registries that take
 * PEM (Kafka's {@code ssl.keystore.type=PEM}, ZooKeeper's {@code keyStore.type=PEM}) rather
 * than a {@code KeyManagerFactory}. Read once, from PEM files or key stores alike; the key
 * always comes out as an unencrypted PKCS#8 {@code PRIVATE KEY}, whatever form it was read in.
 *
 * @param privateKey        the key, PKCS#8 PEM; empty without a certificate
 * @param certificateChain  the chain, leaf first, PEM; empty without a certificate
 * @param trustedAuthorities the trusted certificates, PEM; empty when the JDK's defaults are trusted
 */
public record TlsPem(Optional<String> privateKey, Optional<String> certificateChain,
                     Optional<String> trustedAuthorities) {

    /**
     * Reads what {@code tls} names.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     * @throws UncheckedIOException     when a file cannot be read
     */
    public static TlsPem of(Tls tls) {
        try {
            String key = null;
            String chain = null;
            if (tls.certificateChainFile().isPresent()) {
                Path chainFile = tls.certificateChainFile().get();
                List<X509Certificate> certs = TlsMaterial.certificates(chainFile);
                if (certs.isEmpty()) {
                    throw new IllegalArgumentException("certificate chain " + chainFile + ": no CERTIFICATE block"
                            + " (expected: a PEM file with the leaf certificate first, then its intermediates)");
                }
                key = pem("PRIVATE KEY", TlsMaterial.privateKey(tls.privateKeyFile().orElseThrow(), certs.get(0)).getEncoded());
                chain = pem(certs);
            } else if (tls.keyStore().isPresent()) {
                KeyStore store = tls.keyStore().get();
                char[] password = tls.keyStorePassword().orElse(new char[0]);
                for (String alias : Collections.list(store.aliases())) {
                    if (store.isKeyEntry(alias) && store.getKey(alias, password) instanceof PrivateKey k) {
                        key = pem("PRIVATE KEY", k.getEncoded());
                        chain = pem(List.of(store.getCertificateChain(alias)));
                        break;
                    }
                }
                if (key == null) {
                    throw new IllegalArgumentException("key store: no private key entry"
                            + " (expected: one key entry with its certificate chain)");
                }
            }
            String trust = null;
            if (!tls.trustFiles().isEmpty()) {
                List<Certificate> cas = new ArrayList<>();
                for (Path file : tls.trustFiles()) {
                    List<X509Certificate> found = TlsMaterial.certificates(file);
                    if (found.isEmpty()) {
                        throw new IllegalArgumentException("trust file " + file + ": no CERTIFICATE block"
                                + " (expected: PEM certificates of the authorities to trust)");
                    }
                    cas.addAll(found);
                }
                trust = pem(cas);
            } else if (tls.trustStore().isPresent()) {
                KeyStore store = tls.trustStore().get();
                List<Certificate> cas = new ArrayList<>();
                for (String alias : Collections.list(store.aliases())) {
                    if (store.isCertificateEntry(alias)) {
                        cas.add(store.getCertificate(alias));
                    }
                }
                trust = pem(cas);
            }
            return new TlsPem(Optional.ofNullable(key), Optional.ofNullable(chain), Optional.ofNullable(trust));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS " + tls + ": " + e.getMessage()
                    + " (expected: a certificate chain with its matching private key, and readable trust)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("TLS " + tls + ": " + e.getMessage(), e);
        }
    }

    /** The key and then the chain, in one text: the form of a PEM key store held in one file. */
    public Optional<String> keyAndChain() {
        return privateKey.map(k -> k + certificateChain.orElseThrow());
    }

    /** Never the key: a record's default would print it. */
    @Override
    public String toString() {
        return "TlsPem[key=" + (privateKey.isPresent() ? "(hidden)" : "none") + ", trust="
                + (trustedAuthorities.isPresent() ? "PEM" : "JDK") + "]";
    }

    private static String pem(List<? extends Certificate> certificates) throws GeneralSecurityException {
        StringBuilder out = new StringBuilder();
        for (Certificate c : certificates) {
            out.append(pem("CERTIFICATE", c.getEncoded()));
        }
        return out.toString();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
