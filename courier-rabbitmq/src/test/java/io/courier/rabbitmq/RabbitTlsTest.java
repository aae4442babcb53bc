package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import io.courier.CourierException;
import io.courier.Tls;
import io.courier.UnauthenticatedException;
import io.courier.UnavailableException;
import io.courier.internal.TlsMaterial;
import io.courier.messaging.Message;
import io.courier.test.Await;
import io.courier.test.TestCertificates;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.TreeMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ over TLS and mutual TLS ({@link RabbitConfig.Builder#tls}) against the machine's
 * broker's own TLS listeners, which {@code .ci/run} starts with its certificates in
 * {@code COURIER_RABBITMQ_TLS_DIR} (by default {@code /var/lib/rabbitmq/courier-tls}): 5671
 * verifies a client certificate when one is sent, 5676 requires one. Without them these tests
 * are skipped with a notice (failed with {@code CI=true}). A certificate naming another host
 * takes a TLS endpoint of the test's own ({@link TlsRelay}) in front of the plaintext port.
 */
class RabbitTlsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Path DIR = Path.of(System.getenv().getOrDefault("COURIER_RABBITMQ_TLS_DIR",
            "/var/lib/rabbitmq/courier-tls"));
    /** The listener that verifies a client certificate when one is sent. */
    private static final int TLS_PORT = 5671;
    /** The listener that requires a client certificate. */
    private static final int MTLS_PORT = 5676;

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @TempDir
    Path dir;

    private static Message text(String channel, String body) {
        return Message.builder().channel(channel).partitionKey("k").type("text")
                .payload(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** Skips (or with {@code CI=true} fails) the test unless the broker's TLS listener on {@code port} answers. */
    private static void requireListener(int port) {
        LocalRabbit.require();
        String missing = null;
        if (!Files.isReadable(DIR.resolve("ca.crt")) || !Files.isReadable(DIR.resolve("client-b.key"))) {
            missing = "no RabbitMQ TLS certificates in " + DIR + " (.ci/run makes them)";
        } else {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(LocalRabbit.HOST, port), 1_000);
            } catch (IOException e) {
                missing = "no RabbitMQ TLS listener on " + LocalRabbit.HOST + ":" + port + " (.ci/run starts it)";
            }
        }
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(missing + "; RabbitMQ TLS tests required with CI=true");
            }
            System.err.println(missing + "; RabbitMQ TLS test skipped");
            abort(missing);
        }
    }

    private RabbitConfig.Builder listener(int port) {
        requireListener(port);
        return rabbit.config().port(port);
    }

    /** The broker's CA: what verifies its listeners' certificate. */
    private static Tls.Builder trustingTheBroker() {
        return Tls.builder().trust(DIR.resolve("ca.crt"));
    }

    /** Copies the client certificate {@code name} (client-a or client-b) over {@code cert} and {@code key}, as a renewal does. */
    private void install(String name, Path cert, Path key) throws IOException {
        for (String ext : List.of(".key", ".crt")) {
            Path staged = dir.resolve(name + ext + ".new");
            Files.copy(DIR.resolve(name + ext), staged, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, ext.equals(".key") ? key : cert, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The broker's TLS connections' client certificate subjects (empty without one), by connection pid. */
    private static Map<String, String> clientSubjects() throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (String line : RabbitCtl.output("-q", "list_connections", "pid", "ssl", "peer_cert_subject",
                "--no-table-headers").split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 3 && f[1].equals("true")) {
                out.put(f[0], f[2]);
            }
        }
        return out;
    }

    /** A TLS endpoint of the test's own in front of the plaintext port, presenting {@code server}. */
    private TlsRelay relay(TestCertificates.Issued server, TestCertificates.Authority clients, boolean requireClientCert)
            throws Exception {
        LocalRabbit.require();
        server.writePem(dir.resolve("relay.crt"), dir.resolve("relay.key"));
        clients.writePem(dir.resolve("clients-ca.crt"));
        Tls tls = Tls.builder().keyCertificate(dir.resolve("relay.crt"), dir.resolve("relay.key"))
                .trust(dir.resolve("clients-ca.crt")).build();
        return new TlsRelay(TlsMaterial.sslContext(tls), requireClientCert,
                new InetSocketAddress(LocalRabbit.HOST, LocalRabbit.PORT));
    }

    private void publishAndReceive(RabbitConfig config) {
        RabbitBroker broker = rabbit.broker(config);
        List<String> received = new CopyOnWriteArrayList<>();
        broker.subscribe("tls", "g", d -> {
            received.add(new String(d.message().payload(), StandardCharsets.UTF_8));
            d.ack();
        });
        broker.send(text("tls", "over tls")).join();
        Await.until(PATIENCE, () -> "the message received: " + received, () -> received.contains("over tls"));
    }

    private Throwable sendFailure(RabbitConfig config) {
        RabbitBroker broker = rabbit.broker(config);
        try {
            broker.send(text("tls", "never")).join();
            throw new AssertionError("sent over a connection TLS should have refused");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void publishesAndSubscribesOverTls() throws Exception {
        publishAndReceive(listener(TLS_PORT).tls(trustingTheBroker().build()).build());

        assertThat(clientSubjects()).as("a TLS connection without a client certificate").containsValue("");
    }

    @Test
    void publishesAndSubscribesOverTlsTrustingAStore() throws Exception {
        requireListener(TLS_PORT); // before reading the broker's CA, which is missing where the listener is
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("broker-ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(DIR.resolve("ca.crt"))));
        publishAndReceive(listener(TLS_PORT).tls(Tls.builder().trustStore(trust).build()).build());
    }

    @Test
    void publishesAndSubscribesOverMutualTls() throws Exception {
        publishAndReceive(listener(MTLS_PORT).tls(trustingTheBroker()
                .keyCertificate(DIR.resolve("client-b.crt"), DIR.resolve("client-b.key")).build()).build());

        assertThat(clientSubjects()).containsValue("CN=courier-rabbitmq-client-b");
    }

    @Test
    void aClientWithoutACertificateIsRefusedWhereOneIsRequired() {
        Throwable e = sendFailure(listener(MTLS_PORT).tls(trustingTheBroker().build()).build());

        // The server refuses when the client has sent its last handshake message: whether the
        // client reads the alert (a refused handshake) or finds the connection closed (a
        // broker away, as far as it can tell) is a race, in TLS 1.3 and 1.2 alike.
        assertThat(e).isInstanceOfAny(UnauthenticatedException.class, UnavailableException.class);
    }

    @Test
    void aBrokerItsTrustDoesNotVouchForIsRefused() {
        Throwable e = sendFailure(listener(TLS_PORT)
                .tls(Tls.builder().trustStore(TestCertificates.authority("Other CA").trustStore()).build()).build());

        assertThat(e).isInstanceOf(UnauthenticatedException.class).hasMessageContaining("TLS handshake failed")
                .hasStackTraceContaining("PKIX path building failed");
    }

    @Test
    void aRenewedClientCertificateIsPresentedWhenTheBrokerReconnects() throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        requireListener(MTLS_PORT); // before copying the client certificates, missing where the listener is
        install("client-a", cert, key);
        RabbitBroker broker = rabbit.broker(listener(MTLS_PORT).tls(trustingTheBroker().keyCertificate(cert, key)
                .build()).build());
        broker.send(text("tls", "first")).join();
        Map<String, String> first = clientSubjects();
        assertThat(first).containsValue("CN=courier-rabbitmq-client-a");

        install("client-b", cert, key);
        for (Map.Entry<String, String> c : first.entrySet()) {
            if (c.getValue().equals("CN=courier-rabbitmq-client-a")) {
                RabbitCtl.run("close_connection", c.getKey(), "courier TLS renewal test");
            }
        }

        List<Object> last = new CopyOnWriteArrayList<>(List.of("nothing tried"));
        Await.until(PATIENCE, "a send on a new connection with the renewed certificate", () -> {
            try {
                broker.send(text("tls", "renewed")).join();
                Map<String, String> now = clientSubjects();
                last.set(0, now);
                return now.containsValue("CN=courier-rabbitmq-client-b");
            } catch (Exception e) {
                last.set(0, e);
                return false;
            }
        }, () -> String.valueOf(last.get(0)));
        assertThat(clientSubjects()).doesNotContainValue("CN=courier-rabbitmq-client-a");
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessHostnameVerificationIsOff() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("Rabbit CA");
        try (TlsRelay relay = relay(ca.serverOnly("rabbit", "rabbit.elsewhere.test"), ca, false)) {
            Tls.Builder tls = Tls.builder().trustStore(ca.trustStore());
            Throwable e = sendFailure(rabbit.config().port(relay.port()).tls(tls.build()).build());

            assertThat(e).isInstanceOf(UnauthenticatedException.class).hasStackTraceContaining("127.0.0.1");

            publishAndReceive(rabbit.config().port(relay.port()).tls(tls.hostnameVerification(false).build()).build());
        }
    }

    @Test
    void tlsMovesTheDefaultPortTo5671() {
        Tls tls = Tls.builder().build();

        assertThat(RabbitConfig.builder().tls(tls).build().port()).isEqualTo(5671);
        assertThat(RabbitConfig.builder().tls(tls).port(5000).build().port()).isEqualTo(5000);
        assertThat(RabbitConfig.builder().build().port()).isEqualTo(5672);
        assertThat(RabbitConfig.builder().build().tls()).isEmpty();
        assertThat(RabbitConfig.builder().tls(tls).build().toBuilder().build().tls()).contains(tls);
    }
}
