package io.courier.outbox.internal.tailing;

import io.courier.UnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay's thread: one {@link TailSession} after another until closed. When the slot is read
 * by another instance, this one stands by (checking the slot's lag meanwhile, since a standby
 * also sees a slot nobody confirms); when a session fails, the next one starts from the slot's
 * confirmed position after {@code standbyRetry}.
 */
public final class TailLoop {
    private static final Logger log = LoggerFactory.getLogger(TailLoop.class);

    private final TailConfig config;
    private final TailStats stats;
    private final Object wait = new Object();
    private volatile boolean closed;
    private Thread thread;
    private long nextLagCheck = System.nanoTime();

    public TailLoop(TailConfig config, TailStats stats) {
        this.config = config;
        this.stats = stats;
    }

    /** Checks the server, then starts the thread. */
    public synchronized void start() {
        if (closed || thread != null) {
            throw new IllegalStateException("outbox relay on slot " + config.slot() + ": "
                    + (closed ? "closed" : "already started") + " (expected: start once, before close)");
        }
        try (Connection sql = DriverManager.getConnection(config.jdbcUrl(), config.properties())) {
            Slots.requireLogical(sql);
            Slots.requireParkedTable(sql, config.table());
        } catch (SQLException e) {
            throw new UnavailableException("outbox relay: cannot reach " + config.jdbcUrl() + ": " + e.getMessage());
        }
        thread = Thread.ofPlatform().name("courier-outbox-tail-" + config.slot()).start(this::run);
    }

    private void run() {
        boolean standing = false;
        while (!closed) {
            try {
                new TailSession(config, stats, () -> closed).run();
                standing = false;
            } catch (SlotBusyException e) {
                if (!standing) {
                    log.info("outbox relay: slot {} is read by another relay; standing by ({})", config.slot(),
                            e.getMessage());
                    standing = true;
                }
                checkLag();
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                standing = false;
                if (e instanceof io.courier.FailedPreconditionException) {
                    // A precondition lost since start (the parked table dropped): reading on would
                    // send again, at each attempt, every commit after a row it cannot set aside.
                    log.error("{}; not reading slot {}, trying again in {} ms", e.getMessage(), config.slot(),
                            config.standbyRetry().toMillis());
                    pause();
                    continue;
                }
                if (e instanceof io.courier.InvalidArgumentException) {
                    // A stream message it cannot decode, or a table without the outbox's columns
                    // (rows it cannot read are set aside instead): it stops there (the rows before
                    // it are published), and tries again, in case the cause is fixed meanwhile.
                    log.error("outbox relay: slot {}: {}; stopped at that commit, trying again in {} ms",
                            config.slot(), e.getMessage(), config.standbyRetry().toMillis());
                    pause();
                    continue;
                }
                log.warn("outbox relay: reading slot {} stopped: {}; reading again from its last confirmed commit "
                        + "in {} ms", config.slot(), e.toString(), config.standbyRetry().toMillis());
            }
            pause();
        }
    }

    private void checkLag() {
        long now = System.nanoTime();
        if (now - nextLagCheck < 0) {
            return;
        }
        nextLagCheck = now + config.lagCheckEvery().toNanos();
        try (Connection sql = DriverManager.getConnection(config.jdbcUrl(), config.properties())) {
            SlotLag.check(sql, config, stats);
        } catch (SQLException e) {
            log.debug("outbox relay: slot lag check failed: {}", e.toString());
        }
    }

    private void pause() {
        synchronized (wait) {
            if (!closed) {
                try {
                    wait.wait(config.standbyRetry().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
    }

    /** Stops the thread (the session drains) and waits for it. */
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        synchronized (wait) {
            wait.notifyAll();
        }
        if (t != null) {
            try {
                t.join(config.drainTimeout().toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
