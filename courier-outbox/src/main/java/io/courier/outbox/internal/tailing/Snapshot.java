package io.courier.outbox.internal.tailing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * Which transactions a new snapshot sees as finished: {@code txid_current_snapshot()}, read
 * as {@code xmin:xmax:xip,...} with 64-bit (epoch-qualified) transaction ids.
 */
record Snapshot(long xmin, long xmax, Set<Long> inProgress) {
    static Snapshot current(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT txid_current_snapshot()::text")) {
            rs.next();
            return parse(rs.getString(1));
        }
    }

    static Snapshot parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("snapshot: " + text + " (expected: xmin:xmax:xip,...)");
        }
        Set<Long> xip = new HashSet<>();
        if (!parts[2].isEmpty()) {
            for (String x : parts[2].split(",")) {
                xip.add(Long.parseLong(x));
            }
        }
        return new Snapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
    }

    /**
     * Whether the transaction with 32-bit id {@code xid} (as pgoutput's Begin gives it) is
     * finished. Its 64-bit id is the one within 2^31 of {@code xmax}, as PostgreSQL compares
     * 32-bit ids: a recent transaction that is not finished yet may be at or past {@code xmax}.
     */
    boolean finished(int xid) {
        long full = xmax + (int) (xid - (int) xmax);
        return full < xmin || (full < xmax && !inProgress.contains(full));
    }
}
