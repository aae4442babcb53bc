package io.courier.http.internal.vertx;

import io.courier.PeerIdentity;
import io.courier.Tls;
import io.courier.internal.TlsMaterial;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;
import java.util.List;

/**
 * A {@link Tls} as Vert.x options: the server's, the client's, the engine (OpenSSL when
 * netty-tcnative is on the class path, else the JDK's), and the peer of a connection; for the
 * REST and gRPC transports.
 */
public final class VertxTls {
    private VertxTls() {
    }

    /** OpenSSL (BoringSSL through netty-tcnative) when present, else the JDK's engine. */
    public static SSLEngineOptions engine() {
        return OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
    }

    /** The name of the engine {@link #engine()} picks: {@code openssl} or {@code jdk}. */
    public static String engineName() {
        return OpenSSLEngineOptions.isAvailable() ? "openssl" : "jdk";
    }

    private static ClientAuth clientAuth(Tls tls) {
        return switch (tls.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.REQUEST;
            case REQUIRE -> ClientAuth.REQUIRED;
        };
    }

    /** Makes {@code options} a TLS server's with {@code material}; ALPN offers h2 and http/1.1. */
    public static HttpServerOptions server(HttpServerOptions options, Tls tls, TlsMaterial material) {
        requireCertificate(tls, material);
        return options.setSsl(true)
                .setUseAlpn(true)
                .setSslEngineOptions(engine())
                .setKeyCertOptions(KeyCertOptions.wrap(material.keyManagers()))
                .setTrustOptions(TrustOptions.wrap(material.trustManagers()))
                .setClientAuth(clientAuth(tls));
    }

    /** The server options that replace the old ones when the files change. */
    public static ServerSSLOptions reloaded(Tls tls, TlsMaterial material) {
        requireCertificate(tls, material);
        return new ServerSSLOptions()
                .setUseAlpn(true)
                .setKeyCertOptions(KeyCertOptions.wrap(material.keyManagers()))
                .setTrustOptions(TrustOptions.wrap(material.trustManagers()))
                .setClientAuth(clientAuth(tls));
    }

    private static void requireCertificate(Tls tls, TlsMaterial material) {
        if (material.keyManagers() == null) {
            throw new IllegalStateException("TLS server: no certificate in " + tls
                    + " (expected: Tls.builder().keyCertificate(chain, key) or .keyStore(...) on a Courier that serves)");
        }
    }

    /** Makes {@code options} a TLS client's: trust, the client certificate if any, hostname verification. */
    public static HttpClientOptions client(HttpClientOptions options, Tls tls, TlsMaterial material) {
        options.setSsl(true)
                .setSslEngineOptions(engine())
                .setTrustOptions(TrustOptions.wrap(material.trustManagers()))
                .setVerifyHost(tls == null || tls.hostnameVerification());
        if (material.keyManagers() != null) {
            options.setKeyCertOptions(KeyCertOptions.wrap(material.keyManagers()));
        }
        return options;
    }

    /** The SSL options of a client made with {@code options} once its TLS files changed to {@code material}. */
    public static io.vertx.core.net.ClientSSLOptions reloaded(HttpClientOptions options, TlsMaterial material) {
        io.vertx.core.net.ClientSSLOptions ssl = options.getSslOptions().copy()
                .setTrustOptions(TrustOptions.wrap(material.trustManagers()));
        if (material.keyManagers() != null) {
            ssl.setKeyCertOptions(KeyCertOptions.wrap(material.keyManagers()));
        }
        return ssl;
    }

    /** The verified client certificate's identity on {@code connection}, or null. */
    public static PeerIdentity peer(HttpConnection connection) {
        return connection == null || !connection.isSsl() ? null : TlsMaterial.peer(connection.sslSession());
    }

    /** {@code failure}'s message, with the root cause of a failed TLS handshake (an untrusted chain, a hostname mismatch). */
    public static String reason(Throwable failure) {
        String message = failure.getMessage();
        String reason = message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
        Throwable cause = failure;
        while (cause != null && !(cause instanceof javax.net.ssl.SSLException)) {
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        if (cause != null) {
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root.getMessage() != null && !reason.contains(root.getMessage())) {
                reason = reason + ": " + root.getMessage();
            }
        }
        return reason;
    }
}
