package io.courier.internal;

import io.courier.Tls;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Tls}'s client TLS for connections to brokers and registries, renewed when its PEM
 * files change: each new connection asks {@link #sslContext()}, which compares the files'
 * modification times with those last read and, when one changed, reads them all again and
 * returns a new {@link SSLContext}. A new context has an empty session cache, so a new
 * connection never resumes a session made with the old certificate; open connections keep
 * theirs. A file that cannot be used (half written, a key of another certificate) is logged at
 * WARN and the previous context stays, until the files change again. Key stores, and a
 * {@code Tls} with a zero {@link Tls#reloadInterval()}, are read once.
 *
 * <p>Thread-safe; the check is a few {@code stat} calls per connection, the same check as
 * {@link TlsWatcher}'s on its timer.
 */
public final class RenewableTls {
    private static final Logger log = LoggerFactory.getLogger(RenewableTls.class);

    private record State(TlsMaterial material, SSLContext context) {
    }

    private final Tls tls;
    private final String owner;
    /** Null when the files are read once. */
    private final TlsFileChanges files;
    private volatile State state;

    private RenewableTls(Tls tls, String owner) {
        this.tls = tls;
        this.owner = owner;
        this.files = TlsFileChanges.of(tls, owner, log);
        TlsMaterial material = TlsMaterial.load(tls);
        this.state = new State(material, context(material));
    }

    /**
     * Reads {@code tls} now, for {@code owner} (named in the logs).
     *
     * @throws IllegalArgumentException naming the file when a file cannot be used
     */
    public static RenewableTls of(Tls tls, String owner) {
        return new RenewableTls(Objects.requireNonNull(tls, "tls"), Objects.requireNonNull(owner, "owner"));
    }

    /** The {@code Tls} read. */
    public Tls tls() {
        return tls;
    }

    /** The client context for a new connection: a new one whenever the files have changed and read well. */
    public SSLContext sslContext() {
        return current().context();
    }

    /** The key and trust managers a new connection would use. */
    public TlsMaterial material() {
        return current().material();
    }

    private State current() {
        if (files == null || !files.changed()) {
            return state;
        }
        synchronized (this) { // one reads the changed files; the others wait for what it read
            try {
                TlsMaterial material = files.readIfChanged();
                if (material != null) {
                    state = new State(material, context(material));
                    files.logReloaded(material);
                }
            } catch (RuntimeException e) {
                files.logUnusable(e);
            }
            return state;
        }
    }

    /** A client context presenting {@code m}'s certificate, if any, and verifying with its trust. */
    static SSLContext context(TlsMaterial m) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(m.keyManagers() == null ? null : m.keyManagers().getKeyManagers(),
                    m.trustManagers().getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "RenewableTls[" + owner + ", " + tls + "]";
    }
}
