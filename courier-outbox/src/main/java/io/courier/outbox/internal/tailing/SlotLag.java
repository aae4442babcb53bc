package io.courier.outbox.internal.tailing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check that keeps a slot from growing unnoticed: a logical slot makes the server keep all
 * WAL from its confirmed position, so a relay that stopped confirming, or that is gone while
 * its slot stays, fills the server's disk. Past the configured lag this logs a warning naming
 * the slot, its lag and how to drop it; back under, one line saying so.
 */
public final class SlotLag {
    private static final Logger log = LoggerFactory.getLogger(SlotLag.class);

    private SlotLag() {
    }

    /** Reads the lag of the configured slot into {@code stats}, warning when it is past the limit. */
    public static void check(Connection sql, TailConfig config, TailStats stats) throws SQLException {
        OptionalLong lag = Slots.lagBytes(sql, config.slot());
        if (lag.isEmpty()) {
            return;
        }
        long bytes = lag.getAsLong();
        long before = stats.lagBytes();
        stats.lag(bytes);
        if (bytes > config.lagWarningBytes()) {
            log.warn("outbox relay: replication slot {} holds {} bytes of WAL (warning at {}): the server keeps "
                    + "all of it until a relay confirms; if no relay will read this slot again, drop it with "
                    + "SELECT pg_drop_replication_slot('{}')", config.slot(), bytes, config.lagWarningBytes(),
                    config.slot());
        } else if (before > config.lagWarningBytes()) {
            log.info("outbox relay: replication slot {} is back to {} bytes of WAL", config.slot(), bytes);
        }
    }
}
