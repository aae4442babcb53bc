package io.courier.examples.ftgo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code --db}: the demo's tables go in a schema of their own in the PostgreSQL database given,
 * dropped when the demo ends; a URL that is not PostgreSQL's is a clear error. Needs the
 * PostgreSQL on 127.0.0.1:5432 (user postgres, trust authentication), as CI runs it; skips with a
 * notice without one, or fails with {@code CI=true}.
 */
class DemoDatabaseTest {
    private static final String TEST_DB = "jdbc:postgresql://127.0.0.1:5432/test";

    @Test
    void aGivenDatabaseGetsASchemaOfItsOwnDroppedAtTheEnd() throws Exception {
        requirePostgres();
        String schema;
        try (DemoDatabase db = DemoDatabase.open(TEST_DB)) {
            assertThat(db.description()).startsWith("the PostgreSQL database " + TEST_DB + ", schema courier_demo_");
            schema = db.description().substring(db.description().lastIndexOf(' ') + 1);
            assertThat(db.url()).isEqualTo(TEST_DB + "?currentSchema=" + schema);
            assertThat(tables(schema)).isEqualTo(5); // the outbox, its parked rows, the inbox, the orders, demo_handled
            assertThat(db.orders()).isZero();
        }
        assertThat(tables(schema)).isZero();
    }

    @Test
    void aUrlThatIsNotPostgresqlsNamesTheExpectedForm() {
        assertThatThrownBy(() -> DemoDatabase.open("jdbc:mariadb://127.0.0.1:3306/test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--db jdbc:mariadb://127.0.0.1:3306/test (expected: jdbc:postgresql://HOST:PORT/DATABASE");
    }

    private static long tables(String schema) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection(TEST_DB, p); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                     + schema + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void requirePostgres() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5432), 500);
        } catch (IOException e) {
            String notice = "no PostgreSQL on 127.0.0.1:5432: the --db test is skipped";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(notice.replace("is skipped", "needs one with CI=true"));
            }
            System.err.println(notice);
            Assumptions.abort(notice);
        }
    }
}
