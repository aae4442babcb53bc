package io.courier.outbox;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * A database of its own for one test class on the machine's PostgreSQL (a schema in database
 * {@code test}) or MariaDB (a database), dropped on close, with a small pool. When the server
 * does not answer, the test is skipped with a one-line notice, or fails with {@code CI=true}.
 */
final class TestDatabase implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    private static final Set<String> NOTICES = ConcurrentHashMap.newKeySet();

    final Dialect dialect;
    final String name;
    private final HikariDataSource pool;

    private TestDatabase(Dialect dialect, String name, String jdbcUrl, String user, int poolSize) {
        this.dialect = dialect;
        this.name = name;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setPoolName("test-" + name);
        this.pool = new HikariDataSource(config);
    }

    static TestDatabase postgres() {
        return postgres(6);
    }

    static TestDatabase postgres(int poolSize) {
        return postgres(poolSize, "");
    }

    /** A schema of its own, reached with these further JDBC URL parameters ({@code &name=value...}). */
    static TestDatabase postgres(int poolSize, String urlParameters) {
        require("PostgreSQL", 5432);
        String schema = "courier_t_" + UUID.randomUUID().toString().substring(0, 8);
        admin("jdbc:postgresql://" + HOST + ":5432/test", "postgres", "CREATE SCHEMA " + schema);
        return new TestDatabase(Dialect.POSTGRESQL, schema, postgresUrl(schema) + urlParameters, "postgres", poolSize);
    }

    /** The JDBC URL of {@code schema} in PostgreSQL's database {@code test}. */
    static String postgresUrl(String schema) {
        return "jdbc:postgresql://" + HOST + ":5432/test?currentSchema=" + schema;
    }

    static TestDatabase mariadb() {
        require("MariaDB", 3306);
        String db = "courier_t_" + UUID.randomUUID().toString().substring(0, 8);
        admin("jdbc:mariadb://" + HOST + ":3306/", "root", "CREATE DATABASE " + db);
        return new TestDatabase(Dialect.MARIADB, db, "jdbc:mariadb://" + HOST + ":3306/" + db, "root", 6);
    }

    static TestDatabase of(Dialect dialect) {
        return dialect == Dialect.POSTGRESQL ? postgres() : mariadb();
    }

    DataSource dataSource() {
        return pool;
    }

    long count(String sql) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e, e);
        }
    }

    void execute(String sql) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e, e);
        }
    }

    @Override
    public void close() {
        pool.close();
        if (dialect == Dialect.POSTGRESQL) {
            admin("jdbc:postgresql://" + HOST + ":5432/test", "postgres", "DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } else {
            admin("jdbc:mariadb://" + HOST + ":3306/", "root", "DROP DATABASE IF EXISTS " + name);
        }
    }

    private static void admin(String url, String user, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(url + ": " + sql + ": " + e, e);
        }
    }

    private static void require(String what, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 1_000);
        } catch (IOException e) {
            String notice = "no " + what + " at " + HOST + ":" + port + " (" + e.getMessage() + "); " + what
                    + " tests skipped";
            if ("true".equals(System.getenv("CI"))) {
                fail(notice.replace("skipped", "required with CI=true"));
            }
            if (NOTICES.add(what)) {
                System.err.println(notice);
            }
            abort(notice);
        }
    }
}
