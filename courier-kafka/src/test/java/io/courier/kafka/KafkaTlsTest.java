package io.courier.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.CourierException;
import io.courier.Tls;
import io.courier.UnauthenticatedException;
import io.courier.UnavailableException;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.messaging.Message;
import io.courier.test.Await;
import io.courier.test.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka over TLS and mutual TLS: {@link KafkaConfig.Builder#tls} against an embedded broker
 * whose client port is an SSL listener, and the clients such a listener refuses.
 */
class KafkaTlsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static Path dir;
    private static TestCertificates.Files pki;
    private static EmbeddedKafka mtls;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("courier-kafka-tls-");
        pki = TestCertificates.writeFiles(dir);
        mtls = EmbeddedKafka.builder().tls(pki.serverCert(), pki.serverKey()).requireClientCertificates(pki.ca())
                .build().start();
    }

    @AfterAll
    static void stop() {
        if (mtls != null) {
            mtls.close();
        }
    }

    private static Message text(String channel, String body) {
        return Message.builder().channel(channel).partitionKey("k").type("text")
                .payload(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static String channel(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Subscribes, sends one message and waits for it: what every working connection must do. */
    private static void publishAndReceive(KafkaConfig config) {
        String ch = channel("tls");
        List<String> received = new CopyOnWriteArrayList<>();
        try (KafkaBroker broker = KafkaBroker.create(config)) {
            broker.subscribe(ch, "g", d -> {
                received.add(new String(d.message().payload(), StandardCharsets.UTF_8));
                d.ack();
            });
            broker.send(text(ch, "over tls")).join();
            Await.until(PATIENCE, () -> "the message received: " + received, () -> received.contains("over tls"));
        }
    }

    private static Throwable sendFailure(KafkaConfig config) {
        try (KafkaBroker broker = KafkaBroker.create(config)) {
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> broker.send(text(channel("refused"), "never")).join());
            return e.getCause();
        }
    }

    @Test
    void publishesAndSubscribesOverMutualTls() {
        publishAndReceive(SharedKafka.config(mtls.bootstrapServers())
                .tls(Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey()).trust(pki.ca()).build()).build());
    }

    @Test
    void publishesAndSubscribesOverTlsWithAKeyStoreWhereNoClientCertificateIsAsked() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("Kafka CA");
        Path own = Files.createTempDirectory(dir, "tls-only-");
        ca.server("kafka").writePem(own.resolve("server.crt"), own.resolve("server.key"));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().tls(own.resolve("server.crt"), own.resolve("server.key"))
                .build().start()) {
            assertThat(kafka.tls()).isTrue();
            publishAndReceive(SharedKafka.config(kafka.bootstrapServers())
                    .tls(Tls.builder().trustStore(ca.trustStore()).build()).build());
        }
    }

    @Test
    void aClientWithoutACertificateIsRefusedWhereOneIsRequired() {
        KafkaConfig config = SharedKafka.config(mtls.bootstrapServers()).tls(Tls.builder().trust(pki.ca()).build()).build();
        Throwable e = sendFailure(config);

        assertThat(e).isInstanceOf(UnauthenticatedException.class).hasMessageContaining("handshake failed");
        assertThat(((CourierException) e).retrySafe()).isFalse();
        try (KafkaBroker broker = KafkaBroker.create(config)) {
            assertThatThrownBy(() -> broker.subscribe(channel("refused"), "g", d -> d.ack()))
                    .isInstanceOf(UnauthenticatedException.class).hasMessageContaining("handshake failed");
        }
    }

    /** Writes {@code issued} the way cert-manager renews: new files, renamed over the old ones. */
    private static void renew(TestCertificates.Issued issued, Path cert, Path key) throws Exception {
        Path dir = cert.getParent();
        issued.writePem(dir.resolve("new.crt"), dir.resolve("new.key"));
        Files.move(dir.resolve("new.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(dir.resolve("new.crt"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aRenewedClientCertificateIsPresentedOnTheNextConnectionWithoutANewBroker() throws Exception {
        Path own = Files.createTempDirectory(dir, "renewed-");
        Path cert = own.resolve("tls.crt");
        Path key = own.resolve("tls.key");
        renew(pki.authority().client("first", TestCertificates.CLIENT_SPIFFE_ID), cert, key);
        KafkaConfig config = SharedKafka.config(mtls.bootstrapServers())
                .tls(Tls.builder().keyCertificate(cert, key).trust(pki.ca()).build()).build();
        String ch = channel("renewed");
        List<String> received = new CopyOnWriteArrayList<>();
        try (KafkaBroker broker = KafkaBroker.create(config)) {
            broker.subscribe(ch, "first", d -> {
                received.add("first:" + new String(d.message().payload(), StandardCharsets.UTF_8));
                d.ack();
            });
            broker.send(text(ch, "one")).join();
            Await.until(PATIENCE, () -> "received: " + received, () -> received.contains("first:one"));

            // A certificate the broker's authority did not issue: a new subscription's connections
            // present it, and the broker refuses them (the group is never joined: the topic is
            // known already, so no refused admin call says why).
            renew(TestCertificates.authority("Unknown CA").client("stale", TestCertificates.CLIENT_SPIFFE_ID),
                    cert, key);
            assertThatThrownBy(() -> broker.subscribe(ch, "refused", d -> d.ack()))
                    .isInstanceOfAny(UnauthenticatedException.class, UnavailableException.class);

            // Renewed again, by the right authority: new connections are let in.
            renew(pki.authority().client("renewed", TestCertificates.CLIENT_SPIFFE_ID), cert, key);
            broker.subscribe(ch, "renewed", d -> {
                received.add("renewed:" + new String(d.message().payload(), StandardCharsets.UTF_8));
                d.ack();
            });
            broker.send(text(ch, "two")).join();
            Await.until(PATIENCE, () -> "received: " + received, () -> received.contains("renewed:two"));
        }
    }

    @Test
    void aServerItsTrustDoesNotVouchForIsRefused() {
        TestCertificates.Authority other = TestCertificates.authority("Other CA");
        Throwable e = sendFailure(SharedKafka.config(mtls.bootstrapServers())
                .tls(Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey())
                        .trustStore(other.trustStore()).build()).build());

        assertThat(e).isInstanceOf(UnauthenticatedException.class).hasMessageContaining("handshake failed")
                .hasStackTraceContaining("PKIX path building failed");
    }

    @Test
    void aPlaintextClientNeverGetsThroughAndFailsRetrySafe() {
        // Kafka's client cannot tell a TLS listener from a broker that is away: both close on it.
        Throwable e = sendFailure(SharedKafka.config(mtls.bootstrapServers())
                .readyTimeout(Duration.ofSeconds(2)).build());

        assertThat(e).isInstanceOf(UnavailableException.class).hasMessageContaining("not ready after 2000 ms");
        assertThat(((CourierException) e).retrySafe()).isTrue();
    }

    @Test
    void tlsBecomesKafkasOwnSettingsAndAnSslPropertyGivenByNameWins() {
        KafkaConfig config = KafkaConfig.builder()
                .tls(Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey()).trust(pki.ca())
                        .hostnameVerification(false).build())
                .consumerProperty("ssl.enabled.protocols", "TLSv1.3")
                .consumerProperty("ssl.endpoint.identification.algorithm", "https")
                .build();

        assertThat(config.producerProperties()).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.keystore.type", "PEM").containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.endpoint.identification.algorithm", "");
        assertThat(config.producerProperties().get("ssl.keystore.key")).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(config.consumerProperties()).containsEntry("ssl.enabled.protocols", "TLSv1.3")
                .containsEntry("ssl.endpoint.identification.algorithm", "https");
        assertThat(config.toString()).contains("ssl.keystore.key").doesNotContain("BEGIN");
        assertThat(KafkaConfig.builder().build().producerProperties()).doesNotContainKey("security.protocol");
    }

    @Test
    void aMissingFileFailsTheBuildNamingIt() {
        Path missing = dir.resolve("missing.crt");

        assertThatThrownBy(() -> KafkaConfig.builder().tls(Tls.builder().trust(missing).build()).build())
                .hasMessageContaining("missing.crt");
    }
}
