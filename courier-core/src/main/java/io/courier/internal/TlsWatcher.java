package io.courier.internal;

import io.courier.Scheduler;
import io.courier.Tls;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a {@link Tls}'s PEM files by their modification times on a {@link Scheduler} and, when
 * one changes, reads them all again and hands the new {@link TlsMaterial} on. A file that cannot
 * be read or does not match (a key of another certificate, half a file written) is logged at
 * WARN and the old material stays; it is tried again at the next change. The reading runs on a
 * virtual thread, never on the scheduler's timer. The change is noticed as by
 * {@link RenewableTls}, which checks on each new connection instead of a timer.
 */
public final class TlsWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsWatcher.class);

    private final TlsFileChanges files;
    private final Tls tls;
    private final Scheduler scheduler;
    private final Consumer<TlsMaterial> onChange;
    private final String owner;
    private volatile boolean closed;
    private volatile Scheduler.Task next;

    private TlsWatcher(TlsFileChanges files, Tls tls, Scheduler scheduler, String owner, Consumer<TlsMaterial> onChange) {
        this.files = files;
        this.tls = tls;
        this.scheduler = scheduler;
        this.owner = owner;
        this.onChange = onChange;
    }

    /**
     * Starts watching {@code tls}'s PEM files for {@code owner} (named in the logs), or returns
     * null when there is nothing to watch (no PEM files, or a zero reload interval).
     */
    public static TlsWatcher start(Tls tls, Scheduler scheduler, String owner, Consumer<TlsMaterial> onChange) {
        Objects.requireNonNull(onChange, "onChange");
        TlsFileChanges files = TlsFileChanges.of(tls, owner, log);
        if (files == null) {
            return null;
        }
        TlsWatcher w = new TlsWatcher(files, tls, scheduler, owner, onChange);
        w.schedule();
        return w;
    }

    private void schedule() {
        if (!closed) {
            next = scheduler.schedule(tls.reloadInterval(), () -> Thread.ofVirtual().name("courier-tls-reload")
                    .start(this::check));
        }
    }

    /** Compares the files' times with the last seen, and reloads on a change. */
    void check() {
        try {
            if (closed) {
                return;
            }
            TlsMaterial material;
            try {
                material = files.readIfChanged();
            } catch (RuntimeException e) {
                if (!closed) {
                    files.logUnusable(e);
                }
                return;
            }
            if (material == null) {
                return;
            }
            onChange.accept(material);
            files.logReloaded(material);
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
