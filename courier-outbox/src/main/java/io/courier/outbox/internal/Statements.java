package io.courier.outbox.internal;

import io.courier.outbox.Dialect;

/** The SQL of one dialect and table prefix: every statement the outbox, its relay and the inbox run. */
public final class Statements {
    public final Dialect dialect;
    public final String outbox;
    public final String inbox;
    /** The table of the rows a relay set aside ({@code <prefix>outbox_parked}). */
    public final String parked;
    private final String insertOutbox;

    public Statements(Dialect dialect, String prefix) {
        this(dialect, prefix + "outbox", prefix + "outbox_parked", prefix + "inbox");
    }

    private Statements(Dialect dialect, String outbox, String parked, String inbox) {
        this.dialect = dialect;
        this.outbox = outbox;
        this.inbox = inbox;
        this.parked = parked;
        this.insertOutbox = "INSERT INTO " + outbox
                + " (message_id, channel, partition_key, partition_no, headers, payload, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    }

    /**
     * The statements of outbox table {@code table} named as it is (optionally schema-qualified,
     * as a log-tailing relay is given it): its parked table is {@code <table>_parked}, which for
     * {@code <prefix>outbox} is {@code <prefix>outbox_parked}, and its inbox {@code <prefix>inbox}.
     */
    public static Statements ofOutboxTable(Dialect dialect, String table) {
        String prefix = table.endsWith("outbox") ? table.substring(0, table.length() - "outbox".length()) : table + "_";
        return new Statements(dialect, table, table + "_parked", prefix + "inbox");
    }

    /** Built once: every message sent through the outbox runs it. */
    public String insertOutbox() {
        return insertOutbox;
    }

    /**
     * The oldest unpublished rows of some partitions, oldest first, as many as fit in a byte
     * bound; parameters: per partition its number and the row limit plus one, then the row limit
     * plus one again, then the row limit, then the bound in bytes ({@link RowBytes}). Columns: the
     * outbox's eight, then how many rows were waiting, up to the limit plus one (more than
     * returned: the batch is full, poll again at once).
     *
     * <p>One ordered index scan per partition, each stopping at the limit, merged by id: the cost
     * follows the batch, not the backlog. (With {@code partition_no IN (...)} the database has to
     * sort every unpublished row of those partitions to find the oldest: a poll then slows down as
     * the backlog grows, just when the relay should catch up.) Those scans read only ids and
     * sizes; a running sum keeps the oldest rows whose total is within the bound (the first row
     * always, however large: it is then sent alone), and only those rows are read whole. The
     * running sum and the row number are computed as the merged scans go, so the merge stops
     * one row past the limit (a count over the whole merge would read every partition's scan to
     * its end: 15 times the time of a poll of 16 partitions, measured). The
     * bound is applied by the database, not while reading the result: in auto-commit mode both
     * drivers (PgJDBC, MariaDB Connector/J) receive the whole result before the first row is read.
     */
    public String pending(int partitions) {
        StringBuilder union = new StringBuilder();
        for (int i = 0; i < partitions; i++) {
            union.append(i == 0 ? "(" : " UNION ALL (")
                    .append("SELECT id, ").append(RowBytes.SQL).append(" AS size FROM ")
                    .append(outbox).append(" WHERE published_at IS NULL AND partition_no = ? ORDER BY id LIMIT ?)");
        }
        return "SELECT o.id, o.message_id, o.channel, o.partition_key, o.partition_no, o.headers, o.payload,"
                + " o.created_at, b.waiting FROM " + outbox + " o JOIN (SELECT id, waiting FROM (SELECT id, size, upto,"
                + " rn, COUNT(*) OVER () AS waiting FROM (SELECT id, size,"
                + " SUM(size) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto,"
                + " ROW_NUMBER() OVER (ORDER BY id) AS rn FROM (" + union + ") pending ORDER BY id LIMIT ?) w) c"
                + " WHERE rn <= ? AND (upto <= ? OR upto = size)) b ON o.id = b.id ORDER BY o.id";
    }

    /**
     * Deletes the rows of some ids in one statement: on PostgreSQL one array parameter; on
     * MariaDB {@code ids} placeholders. One statement instead of a statement per row keeps the
     * relay's cost per batch nearly flat in its size.
     */
    public String deleteByIds(int ids) {
        return "DELETE FROM " + outbox + " WHERE id" + idSet(ids);
    }

    /** Marks the rows of some ids published; parameters: the time, then the ids as in {@link #deleteByIds}. */
    public String markPublished(int ids) {
        return "UPDATE " + outbox + " SET published_at = ? WHERE id" + idSet(ids);
    }

    private String idSet(int ids) {
        if (dialect == Dialect.POSTGRESQL) {
            return " = ANY (?)";
        }
        StringBuilder in = new StringBuilder(" IN (");
        for (int i = 0; i < ids; i++) {
            in.append(i == 0 ? "?" : ", ?");
        }
        return in.append(')').toString();
    }

    /**
     * Copies one unpublished outbox row into the parked table; parameters: the time, the reason,
     * the row's id. Run with {@link #deleteOne} in one transaction; copies nothing when the row is
     * gone or marked published.
     */
    public String parkRow() {
        return "INSERT INTO " + parked + " (id, message_id, channel, partition_key, partition_no, headers, payload,"
                + " created_at, parked_at, reason) SELECT id, message_id, channel, partition_key, partition_no, headers,"
                + " payload, created_at, ?, ? FROM " + outbox + " WHERE id = ? AND published_at IS NULL";
    }

    /** Deletes one outbox row; parameter: its id. */
    public String deleteOne() {
        return "DELETE FROM " + outbox + " WHERE id = ?";
    }

    /** Deletes at most {@code ?} published rows older than {@code ?} (milliseconds); parameters: before, limit. */
    public String purgePublished() {
        return switch (dialect) {
            case POSTGRESQL -> "DELETE FROM " + outbox + " WHERE id IN (SELECT id FROM " + outbox
                    + " WHERE published_at IS NOT NULL AND published_at < ? LIMIT ?)";
            case MARIADB -> "DELETE FROM " + outbox + " WHERE published_at IS NOT NULL AND published_at < ? LIMIT ?";
        };
    }

    public String backlog() {
        return "SELECT COUNT(*) FROM " + outbox + " WHERE published_at IS NULL";
    }

    public String countOutbox() {
        return "SELECT COUNT(*) FROM " + outbox;
    }

    /** Tries one partition's session lock; parameters: lock space (int), partition (int). Answers true/1 when held. */
    public String tryLock() {
        return switch (dialect) {
            case POSTGRESQL -> "SELECT pg_try_advisory_lock(?, ?)";
            // GET_LOCK names are server-wide: the database's name keeps two databases' relays apart.
            // (hashed: MySQL refuses lock names longer than 64 characters).
            case MARIADB -> "SELECT GET_LOCK(CONCAT('courier:', MD5(CONCAT(DATABASE(), '.', ?)), ':', ?), 0)";
        };
    }

    /** Releases every session lock of the connection (the partitions of a relay that stops). */
    public String unlockAll() {
        return switch (dialect) {
            case POSTGRESQL -> "SELECT pg_advisory_unlock_all()";
            case MARIADB -> "SELECT RELEASE_ALL_LOCKS()";
        };
    }

    /** Inserts (group, id, time) unless present; the update count says whether it was new. */
    public String insertInbox() {
        return switch (dialect) {
            case POSTGRESQL -> "INSERT INTO " + inbox + " (consumer_group, message_id, processed_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT DO NOTHING";
            // INSERT IGNORE would also turn other errors into warnings; a duplicate key error on
            // InnoDB rolls back the statement only, so the caller catches it instead.
            case MARIADB -> "INSERT INTO " + inbox + " (consumer_group, message_id, processed_at) VALUES (?, ?, ?)";
        };
    }

    public String containsInbox() {
        return "SELECT 1 FROM " + inbox + " WHERE consumer_group = ? AND message_id = ?";
    }

    /** Deletes at most {@code ?} inbox rows older than {@code ?}; parameters: before, limit. */
    public String purgeInbox() {
        return switch (dialect) {
            case POSTGRESQL -> "DELETE FROM " + inbox + " WHERE (consumer_group, message_id) IN (SELECT consumer_group,"
                    + " message_id FROM " + inbox + " WHERE processed_at < ? LIMIT ?)";
            case MARIADB -> "DELETE FROM " + inbox + " WHERE processed_at < ? LIMIT ?";
        };
    }

    public String countInbox() {
        return "SELECT COUNT(*) FROM " + inbox;
    }
}
