package io.courier.internal;

import io.courier.Tls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The one way Courier notices renewed TLS files, for {@link TlsWatcher} (on a timer) and
 * {@link RenewableTls} (on each new connection): a {@link Tls}'s PEM files by their
 * modification times, compared with those last seen; when one changed, all of them read again.
 * A change is seen once, whether the files read well or not: files that cannot be used are
 * tried again at the next change, not at every check. Also the log lines of a reload, the same
 * for every owner, on the owner's logger. Callers serialize {@link #readIfChanged()}.
 */
final class TlsFileChanges {
    private final Tls tls;
    private final String owner;
    private final Logger log;
    private volatile List<FileTime> seen;

    private TlsFileChanges(Tls tls, String owner, Logger log) {
        this.tls = tls;
        this.owner = owner;
        this.log = log;
        this.seen = times(tls);
    }

    /**
     * Starts from the files as they are now, or returns null when {@code tls} has nothing to
     * watch (no PEM files, or a zero {@link Tls#reloadInterval()}); {@code owner} is named in
     * the lines logged on {@code log}.
     */
    static TlsFileChanges of(Tls tls, String owner, Logger log) {
        if (tls.watchedFiles().isEmpty() || tls.reloadInterval().isZero()) {
            return null;
        }
        return new TlsFileChanges(tls, owner, log);
    }

    /** The modification times of {@code tls}'s PEM files, null for a file that cannot be read. */
    private static List<FileTime> times(Tls tls) {
        List<FileTime> out = new ArrayList<>();
        for (Path p : tls.watchedFiles()) {
            try {
                out.add(Files.getLastModifiedTime(p));
            } catch (IOException e) {
                out.add(null);
            }
        }
        return out;
    }

    /** Whether a file changed since last seen; a few {@code stat} calls, safe from any thread. */
    boolean changed() {
        return !times(tls).equals(seen);
    }

    /**
     * The files read again when one changed since last seen, or null when none did. The change
     * is seen either way.
     *
     * @throws IllegalArgumentException naming the file when they changed and cannot be used
     */
    TlsMaterial readIfChanged() {
        List<FileTime> now = times(tls);
        if (now.equals(seen)) {
            return null;
        }
        seen = now;
        return TlsMaterial.load(tls);
    }

    /** Logs at INFO that new connections use {@code material}. */
    void logReloaded(TlsMaterial material) {
        log.info("{}: TLS files reloaded; new connections use certificate {} (serial {})", owner,
                material.certificate() == null ? "none" : material.certificate().getSubjectX500Principal().getName(),
                material.certificate() == null ? "-" : material.certificate().getSerialNumber().toString(16));
    }

    /** Logs at WARN that the changed files cannot be used, for {@code reason}, and the previous certificate stays. */
    void logUnusable(RuntimeException reason) {
        log.warn("{}: TLS files {} changed but cannot be used, keeping the previous certificate: {}"
                + " (expected: a PEM certificate chain with its matching key)", owner, tls.watchedFiles(),
                reason.getMessage());
    }
}
