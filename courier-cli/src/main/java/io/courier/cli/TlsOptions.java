package io.courier.cli;

import io.courier.Tls;
import io.courier.internal.RenewableTls;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * The TLS of {@code call} to an {@code https://} or {@code grpcs://} target: the CA certificates
 * to trust ({@code --cacert}; the JDK's when absent) and the client certificate to present
 * ({@code --cert} and {@code --key}; none when absent), as PEM files.
 */
record TlsOptions(Path caCert, Path cert, Path key) {
    /** Checks that a certificate comes with its key and that the files named are there. */
    TlsOptions {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--cert and --key: " + (cert == null ? "--key " + key : "--cert " + cert)
                    + " alone (expected: both, the client certificate and its private key, or neither)");
        }
        for (Path p : new Path[] {caCert, cert, key}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException(p + ": not a readable file (expected: a PEM file)");
            }
        }
    }

    /** Whether any option was given: they mean something only for a TLS target. */
    boolean given() {
        return caCert != null || cert != null;
    }

    /** A context for {@code java.net.http}: the CA files' trust, or the JDK's, and the certificate, if any. */
    SSLContext sslContext() {
        if (!given()) {
            try {
                return SSLContext.getDefault();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("no TLS in this JDK: " + e, e);
            }
        }
        Tls.Builder tls = Tls.builder();
        if (caCert != null) {
            tls.trust(caCert);
        }
        if (cert != null) {
            tls.keyCertificate(cert, key);
        }
        return RenewableTls.of(tls.build(), "courier call").sslContext();
    }

    /** {@code options} speaking TLS with this trust and certificate, ALPN choosing HTTP/2. */
    HttpClientOptions applyTo(HttpClientOptions options) {
        options.setSsl(true).setUseAlpn(true);
        if (caCert != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(caCert.toString()));
        }
        if (cert != null) {
            options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
        }
        return options;
    }
}
