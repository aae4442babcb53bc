package io.courier.zookeeper;

import io.courier.Tls;
import io.courier.Scheduler;
import io.courier.internal.TlsPem;
import io.courier.internal.TlsWatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.apache.zookeeper.client.ZKClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Tls} as the ZooKeeper client's own settings: the Netty client socket with
 * {@code zookeeper.client.secure=true} and {@code zookeeper.ssl.*} PEM stores. ZooKeeper reads a
 * PEM key store from one file holding the key and its chain, and reads its files again on
 * every connection, so the key and chain (and the trusted authorities) are written to a
 * temporary directory only the process's user may read, kept while the client lives and
 * deleted by {@link #close()}. The {@code Tls}'s PEM files are watched ({@link TlsWatcher},
 * every {@link Tls#reloadInterval()}): when they change and read well, those files are written
 * again (a new file renamed over the old), so the client's next connection presents the
 * renewed certificate.
 */
final class ZooKeeperTls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperTls.class);

    private final Path dir;
    private final ZKClientConfig config;
    private volatile TlsWatcher watcher;

    private ZooKeeperTls(Path dir, ZKClientConfig config) {
        this.dir = dir;
        this.config = config;
    }

    /**
     * The client configuration {@code tls} stands for, its files written now.
     *
     * @throws IllegalArgumentException naming the file when a file of {@code tls} cannot be used
     */
    static ZooKeeperTls of(Tls tls) {
        TlsPem pem = TlsPem.of(tls);
        Path dir = null;
        try {
            dir = privateDirectory();
            ZKClientConfig c = new ZKClientConfig();
            c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
            c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
            // Every store set, if only to nothing: unset, ZooKeeper takes the JVM's zookeeper.ssl.* properties.
            c.setProperty("zookeeper.ssl.keyStore.location", write(dir, "key.pem", pem.keyAndChain()));
            c.setProperty("zookeeper.ssl.keyStore.type", "PEM");
            c.setProperty("zookeeper.ssl.keyStore.password", "");
            c.setProperty("zookeeper.ssl.trustStore.location", write(dir, "trust.pem", pem.trustedAuthorities()));
            c.setProperty("zookeeper.ssl.trustStore.type", "PEM");
            c.setProperty("zookeeper.ssl.trustStore.password", "");
            c.setProperty("zookeeper.ssl.hostnameVerification", Boolean.toString(tls.hostnameVerification()));
            ZooKeeperTls zt = new ZooKeeperTls(dir, c);
            Path written = dir;
            zt.watcher = TlsWatcher.start(tls, Scheduler.system(), "ZooKeeper TLS", material -> rewrite(written, tls));
            return zt;
        } catch (IOException e) {
            if (dir != null) {
                new ZooKeeperTls(dir, null).close();
            }
            throw new UncheckedIOException("ZooKeeper TLS: cannot write the PEM stores for " + tls + " (" + e + ")", e);
        }
    }

    /** Writes the stores again from {@code tls}'s files; a failure is logged by the watcher, the old stores stay. */
    private static void rewrite(Path dir, Tls tls) {
        TlsPem pem = TlsPem.of(tls);
        try {
            replace(dir, "key.pem", pem.keyAndChain());
            replace(dir, "trust.pem", pem.trustedAuthorities());
        } catch (IOException e) {
            throw new UncheckedIOException("ZooKeeper TLS: cannot write the renewed PEM stores in " + dir, e);
        }
    }

    private static void replace(Path dir, String name, Optional<String> text) throws IOException {
        if (text.isEmpty()) {
            return; // none before either: the location is empty
        }
        Path staged = dir.resolve(name + ".new");
        Files.writeString(staged, text.get(), StandardCharsets.US_ASCII);
        Files.move(staged, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    ZKClientConfig config() {
        return config;
    }

    private static Path privateDirectory() throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempDirectory("courier-zookeeper-tls-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return Files.createTempDirectory("courier-zookeeper-tls-"); // the user's own temporary directory
    }

    private static String write(Path dir, String name, Optional<String> text) throws IOException {
        if (text.isEmpty()) {
            return ""; // none: no client certificate, or the JDK's authorities
        }
        Path file = dir.resolve(name);
        Files.writeString(file, text.get(), StandardCharsets.US_ASCII);
        return file.toString();
    }

    /** Deletes the files written for the client. */
    @Override
    public void close() {
        TlsWatcher w = watcher;
        if (w != null) {
            w.close();
        }
        try {
            Files.deleteIfExists(dir.resolve("key.pem.new"));
            Files.deleteIfExists(dir.resolve("trust.pem.new"));
            Files.deleteIfExists(dir.resolve("key.pem"));
            Files.deleteIfExists(dir.resolve("trust.pem"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.warn("ZooKeeper TLS: could not delete {}: {}", dir, e.toString());
        }
    }
}
