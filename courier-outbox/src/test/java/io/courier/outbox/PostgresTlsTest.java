package io.courier.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.outbox.Events.OrderPlaced;
import io.courier.test.Await;
import io.courier.test.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox on PostgreSQL over TLS, with pgjdbc's own settings ({@code sslmode=verify-full},
 * {@code sslrootcert}, {@code sslcert}/{@code sslkey}): against the machine's PostgreSQL with
 * the certificates {@code .ci/run} made ({@code COURIER_PG_TLS_DIR}, by default
 * {@code /var/lib/postgresql/courier-tls}). Without them, skipped with a notice; with
 * {@code CI=true}, failed.
 */
class PostgresTlsTest {
    private static final Path DIR = Path.of(System.getenv().getOrDefault("COURIER_PG_TLS_DIR",
            "/var/lib/postgresql/courier-tls"));
    private static final String PLAIN = "jdbc:postgresql://" + TestDatabase.HOST + ":5432/test";
    private static final String VERIFY_FULL = "&sslmode=verify-full&sslrootcert=" + DIR.resolve("ca.crt");

    @TempDir
    Path tmp;

    @BeforeAll
    static void requireTls() throws SQLException {
        String missing = null;
        if (!Files.isReadable(DIR.resolve("ca.crt")) || !Files.isReadable(DIR.resolve("client.pk8"))) {
            missing = "no PostgreSQL TLS certificates in " + DIR + " (.ci/run makes them)";
        } else {
            try (Connection c = DriverManager.getConnection(PLAIN + "?sslmode=disable", "postgres", "");
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW ssl")) {
                rs.next();
                if (!rs.getString(1).equals("on")) {
                    missing = "PostgreSQL at " + TestDatabase.HOST + ":5432 has ssl=off (.ci/run turns it on)";
                }
            } catch (SQLException e) {
                missing = "no PostgreSQL at " + TestDatabase.HOST + ":5432 (" + e.getMessage() + ")";
            }
        }
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(missing + "; PostgreSQL TLS tests required with CI=true");
            }
            System.err.println(missing + "; PostgreSQL TLS tests skipped");
            abort(missing);
        }
    }

    /** This session's row of pg_stat_ssl: whether it is TLS, its version, and the client certificate's DN. */
    private static List<String> sessionTls(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT ssl, version, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            return java.util.Arrays.asList(Boolean.toString(rs.getBoolean(1)), rs.getString(2), rs.getString(3));
        }
    }

    @Test
    void verifyFullConnectsOverTlsCheckingTheServersCertificateAndName() throws SQLException {
        try (Connection c = DriverManager.getConnection(PLAIN + "?" + VERIFY_FULL.substring(1), "postgres", "")) {
            List<String> tls = sessionTls(c);

            assertThat(tls.get(0)).isEqualTo("true");
            assertThat(tls.get(1)).startsWith("TLSv1.");
            assertThat(tls.get(2)).as("no client certificate").isNull();
        }
    }

    @Test
    void aClientCertificateIsPresentedWithSslcertAndSslkey() throws SQLException {
        String url = PLAIN + "?" + VERIFY_FULL.substring(1) + "&sslcert=" + DIR.resolve("client.crt")
                + "&sslkey=" + DIR.resolve("client.pk8");
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            assertThat(sessionTls(c).get(2)).isEqualTo("/CN=courier-client");
        }
    }

    @Test
    void aServerTheRootCertificateDoesNotVouchForIsRefused() {
        Path other = TestCertificates.authority("Other CA").writePem(tmp.resolve("other-ca.crt"));

        assertThatThrownBy(() -> DriverManager.getConnection(PLAIN + "?sslmode=verify-full&sslrootcert=" + other,
                "postgres", "").close()).isInstanceOf(SQLException.class).hasStackTraceContaining("PKIX path");
    }

    @Test
    void theOutboxAndItsRelayWorkOverTls() throws Exception {
        String app = "courier-tls-" + Long.toHexString(System.nanoTime());
        try (TestDatabase db = TestDatabase.postgres(2, VERIFY_FULL + "&ApplicationName=" + app);
             InMemoryBroker broker = InMemoryBroker.create()) {
            OutboxSchema.create(db.dataSource(), "tls_");
            Outbox outbox = Outbox.builder().dataSource(db.dataSource()).tablePrefix("tls_").build();
            List<OrderPlaced> billed = new CopyOnWriteArrayList<>();
            try (Messaging messaging = Messaging.builder().name("orders").broker(outbox.broker(broker))
                    .codec(JsonCodec.create()).build();
                 OutboxRelay relay = outbox.relay(broker).minPollInterval(Duration.ofMillis(1))
                         .maxPollInterval(Duration.ofMillis(20)).start()) {
                messaging.subscribe(OrderPlaced.class, "billing", billed::add);
                outbox.transaction(c -> {
                    messaging.publish(new OrderPlaced("o-1", 1), "o-1");
                    return null;
                });

                Await.until(Duration.ofSeconds(20), () -> "o-1 delivered: " + billed, () -> billed.size() == 1);
                assertThat(db.count("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)"
                        + " WHERE a.application_name = '" + app + "' AND s.ssl")).as("the pool's TLS sessions")
                        .isPositive();
                assertThat(db.count("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)"
                        + " WHERE a.application_name = '" + app + "' AND NOT s.ssl")).as("its plaintext ones")
                        .isZero();
            }
        }
    }

    @Test
    void aRenewedClientCertificateIsPresentedOnTheNextConnectionWithCouriersSslFactory() throws Exception {
        Path cert = tmp.resolve("tls.crt");
        Path key = tmp.resolve("tls.key");
        issueClientCertificate("courier-client-a", cert, key);
        String url = PLAIN + "?" + VERIFY_FULL.substring(1) + "&sslfactory=" + PostgresTlsSocketFactory.class.getName()
                + "&sslcert=" + cert + "&sslkey=" + key;
        try (Connection first = DriverManager.getConnection(url, "postgres", "")) {
            List<String> before = sessionTls(first);
            assertThat(before.get(0)).isEqualTo("true");
            assertThat(before.get(2)).isEqualTo("/CN=courier-client-a");

            issueClientCertificate("courier-client-b", cert, key);
            try (Connection second = DriverManager.getConnection(url, "postgres", "")) {
                assertThat(sessionTls(second).get(2)).as("the renewed certificate, on a new connection")
                        .isEqualTo("/CN=courier-client-b");
                assertThat(clientSerial(second)).isNotEqualTo(clientSerial(first));
            }
            assertThat(sessionTls(first).get(2)).as("the open connection keeps its session").isEqualTo("/CN=courier-client-a");
        }
    }

    @Test
    void aBrokenRenewalKeepsThePreviousCertificate() throws Exception {
        Path cert = tmp.resolve("tls.crt");
        Path key = tmp.resolve("tls.key");
        issueClientCertificate("courier-client-kept", cert, key);
        String url = PLAIN + "?" + VERIFY_FULL.substring(1) + "&sslfactory=" + PostgresTlsSocketFactory.class.getName()
                + "&sslcert=" + cert + "&sslkey=" + key;
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            assertThat(sessionTls(c).get(2)).isEqualTo("/CN=courier-client-kept");
        }
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nhalf a key");

        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            assertThat(sessionTls(c).get(2)).isEqualTo("/CN=courier-client-kept");
        }
    }

    private static String clientSerial(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT client_serial FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * A client certificate for {@code commonName} from the machine's PostgreSQL CA (its key in
     * {@code DIR}, readable by root), written the way renewals are: to temporary files, then
     * renamed over {@code cert} and {@code key}.
     */
    private void issueClientCertificate(String commonName, Path cert, Path key) throws Exception {
        if (!Files.isReadable(DIR.resolve("ca.key"))) {
            String notice = "cannot read " + DIR.resolve("ca.key") + " to issue client certificates (run as root)";
            if ("true".equals(System.getenv("CI"))) {
                fail(notice + "; required with CI=true");
            }
            abort(notice);
        }
        Path newKey = tmp.resolve(commonName + ".key");
        Path csr = tmp.resolve(commonName + ".csr");
        Path newCert = tmp.resolve(commonName + ".crt");
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                "/CN=" + commonName, "-keyout", newKey.toString(), "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", DIR.resolve("ca.crt").toString(), "-CAkey",
                DIR.resolve("ca.key").toString(), "-set_serial", "0x" + Long.toHexString(System.nanoTime()),
                "-days", "1", "-out", newCert.toString());
        Files.move(newKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.move(newCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(command + ": " + out).isZero();
    }
}
