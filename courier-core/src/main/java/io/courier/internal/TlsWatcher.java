package io.courier.internal;

import io.courier.Scheduler;
import io.courier.Tls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a {@link Tls}'s PEM files by their modification times on a {@link Scheduler} and, when
 * one changes, reads them all again and hands the new {@link TlsMaterial} on. A file that cannot
 * be read or does not match (a key of another certificate, half a file written) is logged at
 * WARN and the old material stays; it is tried again at the next change. The reading runs on a
 * virtual thread, never on the scheduler's timer.
 */
public final class TlsWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsWatcher.class);

    private final Tls tls;
    private final Scheduler scheduler;
    private final Consumer<TlsMaterial> onChange;
    private final String owner;
    private List<FileTime> seen;
    private volatile boolean closed;
    private volatile Scheduler.Task next;

    private TlsWatcher(Tls tls, Scheduler scheduler, String owner, Consumer<TlsMaterial> onChange) {
        this.tls = tls;
        this.scheduler = scheduler;
        this.owner = owner;
        this.onChange = onChange;
        this.seen = times();
    }

    /**
     * Starts watching {@code tls}'s PEM files for {@code owner} (named in the logs), or returns
     * null when there is nothing to watch (no PEM files, or a zero reload interval).
     */
    public static TlsWatcher start(Tls tls, Scheduler scheduler, String owner, Consumer<TlsMaterial> onChange) {
        Objects.requireNonNull(onChange, "onChange");
        if (tls.watchedFiles().isEmpty() || tls.reloadInterval().isZero()) {
            return null;
        }
        TlsWatcher w = new TlsWatcher(tls, scheduler, owner, onChange);
        w.schedule();
        return w;
    }

    private void schedule() {
        if (!closed) {
            next = scheduler.schedule(tls.reloadInterval(), () -> Thread.ofVirtual().name("courier-tls-reload")
                    .start(this::check));
        }
    }

    private List<FileTime> times() {
        return times(tls);
    }

    /** The modification times of {@code tls}'s PEM files, null for a file that cannot be read. */
    static List<FileTime> times(Tls tls) {
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

    /** Compares the files' times with the last seen, and reloads on a change. */
    void check() {
        try {
            if (closed) {
                return;
            }
            List<FileTime> now = times();
            if (now.equals(seen)) {
                return;
            }
            seen = now;
            TlsMaterial material;
            try {
                material = TlsMaterial.load(tls);
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                log.warn("{}: TLS files {} changed but cannot be used, keeping the previous certificate: {}"
                        + " (expected: a PEM certificate chain with its matching key)", owner, tls.watchedFiles(),
                        e.getMessage());
                return;
            }
            onChange.accept(material);
            log.info("{}: TLS files reloaded; new connections use certificate {} (serial {})", owner,
                    material.certificate() == null ? "none" : material.certificate().getSubjectX500Principal().getName(),
                    material.certificate() == null ? "-" : material.certificate().getSerialNumber().toString(16));
        } catch (RuntimeException e) {
            log.warn("{}: applying reloaded TLS files failed, keeping the previous certificate: {}", owner,
                    e.toString());
        } finally {
            schedule();
        }
    }

    @Override
    public void close() {
        closed = true;
        Scheduler.Task t = next;
        if (t != null) {
            t.cancel();
        }
    }
}
