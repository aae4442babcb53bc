package io.courier.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The SQL dialects the outbox and the inbox speak. The two differ only where SQL itself does:
 * the schema's types, skipping a duplicate insert, a bounded delete, and the session lock a
 * relay holds per partition ({@code pg_try_advisory_lock} on PostgreSQL, {@code GET_LOCK} on
 * MariaDB and MySQL).
 */
public enum Dialect {
    /** PostgreSQL (tested on 15). */
    POSTGRESQL("postgresql.sql"),
    /**
     * MariaDB on InnoDB (tested on 10.11). MySQL 8 is detected as this dialect too, since it
     * speaks the same SQL here, but Courier's tests do not run on it.
     */
    MARIADB("mariadb.sql");

    private final String script;

    Dialect(String script) {
        this.script = script;
    }

    /** The resource name of this dialect's migration script, beside this class. */
    public String script() {
        return script;
    }

    /**
     * The dialect of the database {@code connection} is connected to.
     *
     * @throws IllegalArgumentException naming the product when it is neither PostgreSQL nor
     *         MariaDB/MySQL
     */
    public static Dialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return POSTGRESQL;
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            return MARIADB;
        }
        throw new IllegalArgumentException("database: " + product
                + " (expected: PostgreSQL or MariaDB)");
    }
}
