package io.courier;

import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS for a {@code Courier}'s network transports: the certificate its servers present (and its
 * clients present when a server asks for one), the certificate authorities it trusts, and
 * whether its servers ask clients for a certificate (mutual TLS). Immutable; built by
 * {@link #builder()} and given to {@code Courier.builder().tls(...)}.
 *
 * <pre>{@code
 * Tls tls = Tls.builder()
 *         .keyCertificate(Path.of("tls/server.crt"), Path.of("tls/server.key")) // PEM chain and key
 *         .trust(Path.of("tls/ca.crt"))                                          // default: the JDK's CAs
 *         .clientAuth(Tls.ClientAuth.REQUIRE)                                    // mTLS
 *         .build();
 * Courier courier = Courier.builder().tls(tls).build();  // serves https://, h2 and grpcs://
 * }</pre>
 *
 * <p>With TLS, the REST and gRPC servers accept TLS only (HTTP/1.1 and HTTP/2 negotiated by
 * ALPN). Clients use TLS for {@code https://} (HTTP/1.1), {@code h2://} (HTTP/2) and
 * {@code grpcs://} targets, with the same trust and, if set, the same certificate as their
 * client certificate; a {@code Courier} without {@code tls} still calls those targets, trusting
 * the JDK's certificate authorities. Hostnames are verified unless
 * {@link Builder#hostnameVerification(boolean)} turns it off.
 *
 * <p>The same {@code Tls} puts broker and registry connections on TLS through their clients'
 * own options: {@code KafkaConfig.Builder.tls}, {@code RabbitConfig.Builder.tls} and
 * {@code ZooKeeperDiscovery.Builder.tls} (there, only the certificate, the trust and hostname
 * verification count, and renewed PEM files are read for the next connection).
 *
 * <p>PEM files are watched: when their modification time changes, new handshakes use the new
 * certificate and key (or trust) while open connections carry on; a file that cannot be read
 * keeps the old one and is logged at WARN. See {@link Builder#reloadInterval(Duration)}.
 */
public final class Tls {
    /** Whether a server asks the client for a certificate. */
    public enum ClientAuth {
        /** No client certificate asked for (plain TLS). */
        NONE,
        /** A client certificate asked for and verified if sent; clients without one are served too. */
        OPTIONAL,
        /** A verified client certificate required: mutual TLS. Clients without one are refused in the handshake. */
        REQUIRE
    }

    /** The default interval at which PEM files are checked for changes. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(5);

    private final Path certificateChain;
    private final Path privateKey;
    private final KeyStore keyStore;
    private final char[] keyPassword;
    private final List<Path> trustFiles;
    private final KeyStore trustStore;
    private final ClientAuth clientAuth;
    private final boolean hostnameVerification;
    private final Duration reloadInterval;

    private Tls(Builder b) {
        this.certificateChain = b.certificateChain;
        this.privateKey = b.privateKey;
        this.keyStore = b.keyStore;
        this.keyPassword = b.keyPassword == null ? null : b.keyPassword.clone();
        this.trustFiles = List.copyOf(b.trustFiles);
        this.trustStore = b.trustStore;
        this.clientAuth = b.clientAuth;
        this.hostnameVerification = b.hostnameVerification;
        this.reloadInterval = b.reloadInterval;
    }

    /** A builder: no certificate, the JDK's trust, no client authentication, hostnames verified. */
    public static Builder builder() {
        return new Builder();
    }

    /** The PEM file holding the certificate chain, leaf first, if the certificate comes from PEM files. */
    public Optional<Path> certificateChainFile() {
        return Optional.ofNullable(certificateChain);
    }

    /** The PEM file holding the private key (PKCS#8 or PKCS#1, unencrypted), if from PEM files. */
    public Optional<Path> privateKeyFile() {
        return Optional.ofNullable(privateKey);
    }

    /** The key store holding the private key and certificate chain, if given as a {@link KeyStore}. */
    public Optional<KeyStore> keyStore() {
        return Optional.ofNullable(keyStore);
    }

    /** The password of the key store's key; empty when there is none or the key store has none. */
    public Optional<char[]> keyStorePassword() {
        return Optional.ofNullable(keyPassword).map(char[]::clone);
    }

    /** Whether a certificate is configured: a server needs one, a client presents it when asked. */
    public boolean hasCertificate() {
        return certificateChain != null || keyStore != null;
    }

    /** The PEM files of the trusted certificate authorities; empty with a trust store or the JDK's defaults. */
    public List<Path> trustFiles() {
        return trustFiles;
    }

    /** The trust store, if given as a {@link KeyStore}. */
    public Optional<KeyStore> trustStore() {
        return Optional.ofNullable(trustStore);
    }

    /** Whether servers ask clients for a certificate. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** Whether clients check that the server's certificate names the host they dialled (default true). */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** How often PEM files are checked for changes; zero when they are not watched. */
    public Duration reloadInterval() {
        return reloadInterval;
    }

    /** The PEM files to watch for changes: the chain, the key and the trust files. */
    public List<Path> watchedFiles() {
        List<Path> files = new ArrayList<>();
        if (certificateChain != null) {
            files.add(certificateChain);
            files.add(privateKey);
        }
        files.addAll(trustFiles);
        return List.copyOf(files);
    }

    @Override
    public String toString() {
        return "Tls[certificate=" + (certificateChain != null ? certificateChain : keyStore != null ? "key store" : "none")
                + ", trust=" + (!trustFiles.isEmpty() ? trustFiles : trustStore != null ? "trust store" : "JDK")
                + ", clientAuth=" + clientAuth + ", hostnameVerification=" + hostnameVerification + "]";
    }

    /** Builds a {@link Tls}; not thread-safe. */
    public static final class Builder {
        private Path certificateChain;
        private Path privateKey;
        private KeyStore keyStore;
        private char[] keyPassword;
        private final List<Path> trustFiles = new ArrayList<>();
        private KeyStore trustStore;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private boolean hostnameVerification = true;
        private Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;

        private Builder() {
        }

        /**
         * The certificate from PEM files: {@code certificateChain} holds the leaf certificate and
         * then its intermediates, {@code privateKey} the unencrypted key ({@code PRIVATE KEY},
         * PKCS#8, or {@code RSA PRIVATE KEY}, PKCS#1). Replaces a {@link #keyStore}. The files are
         * read when the {@code Courier} is built, and again when they change.
         */
        public Builder keyCertificate(Path certificateChain, Path privateKey) {
            this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
            this.keyStore = null;
            this.keyPassword = null;
            return this;
        }

        /**
         * The certificate from a loaded {@link KeyStore} holding one private key entry (with its
         * chain) whose password is {@code password}. Replaces {@link #keyCertificate}. Not
         * reloaded: build a new {@code Courier} to change it.
         */
        public Builder keyStore(KeyStore keyStore, char[] password) {
            this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
            this.keyPassword = Objects.requireNonNull(password, "password").clone();
            this.certificateChain = null;
            this.privateKey = null;
            return this;
        }

        /**
         * Trusts the certificate authorities in these PEM files (each may hold several), instead of
         * the JDK's. Adds to those given before; replaces a {@link #trustStore}.
         */
        public Builder trust(Path... caFiles) {
            for (Path p : caFiles) {
                trustFiles.add(Objects.requireNonNull(p, "caFile"));
            }
            this.trustStore = null;
            return this;
        }

        /** Trusts the certificates of {@code trustStore} instead of the JDK's; replaces {@link #trust} files. */
        public Builder trustStore(KeyStore trustStore) {
            this.trustStore = Objects.requireNonNull(trustStore, "trustStore");
            this.trustFiles.clear();
            return this;
        }

        /** Whether servers ask clients for a certificate (default {@link ClientAuth#NONE}). */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /**
         * Whether clients check the server's certificate names the host of the target (default
         * true). Turning it off still checks the chain against the trusted authorities; do it only
         * where certificates name services rather than hosts, and check the peer's identity instead.
         */
        public Builder hostnameVerification(boolean hostnameVerification) {
            this.hostnameVerification = hostnameVerification;
            return this;
        }

        /**
         * How often the PEM files are checked for a new modification time (default
         * {@link #DEFAULT_RELOAD_INTERVAL}); {@link Duration#ZERO} stops watching them.
         */
        public Builder reloadInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("reloadInterval: " + interval + " (expected: zero or positive)");
            }
            this.reloadInterval = interval;
            return this;
        }

        /** The configuration. */
        public Tls build() {
            return new Tls(this);
        }
    }
}
