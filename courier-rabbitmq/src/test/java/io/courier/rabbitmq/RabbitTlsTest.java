package io.courier.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.CourierException;
import io.courier.Tls;
import io.courier.UnauthenticatedException;
import io.courier.UnavailableException;
import io.courier.internal.TlsMaterial;
import io.courier.messaging.Message;
import io.courier.test.Await;
import io.courier.test.TestCertificates;
import java.net.InetSocketAddress;
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
 * RabbitMQ over TLS and mutual TLS ({@link RabbitConfig.Builder#tls}), through a TLS endpoint
 * ({@link TlsRelay}) in front of the local broker's plaintext port, and the servers and clients
 * TLS refuses.
 */
class RabbitTlsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @RegisterExtension
    final LocalRabbit rabbit = new LocalRabbit();

    @TempDir
    Path dir;

    private static Message text(String channel, String body) {
        return Message.builder().channel(channel).partitionKey("k").type("text")
                .payload(body.getBytes(StandardCharsets.UTF_8)).build();
    }

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
        TestCertificates.Authority ca = TestCertificates.authority("Rabbit CA");
        try (TlsRelay relay = relay(ca.server("rabbit"), ca, false)) {
            publishAndReceive(rabbit.config().port(relay.port())
                    .tls(Tls.builder().trustStore(ca.trustStore()).build()).build());

            assertThat(relay.clientSubjects()).isEmpty();
        }
    }

    @Test
    void publishesAndSubscribesOverMutualTls() throws Exception {
        TestCertificates.Files pki = TestCertificates.writeFiles(dir);
        try (TlsRelay relay = relay(pki.authority().server("rabbit"), pki.authority(), true)) {
            publishAndReceive(rabbit.config().port(relay.port())
                    .tls(Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey()).trust(pki.ca()).build())
                    .build());

            assertThat(relay.clientSubjects()).isNotEmpty().allMatch(s -> s.equals("CN=client,O=Courier Test"));
        }
    }

    @Test
    void aClientWithoutACertificateIsRefusedWhereOneIsRequired() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("Rabbit CA");
        try (TlsRelay relay = relay(ca.server("rabbit"), ca, true)) {
            Throwable e = sendFailure(rabbit.config().port(relay.port())
                    .tls(Tls.builder().trustStore(ca.trustStore()).build()).build());

            // The server refuses when the client has sent its last handshake message: whether the
            // client reads the alert (a refused handshake) or finds the connection closed (a
            // broker away, as far as it can tell) is a race, in TLS 1.3 and 1.2 alike.
            assertThat(e).isInstanceOfAny(UnauthenticatedException.class, UnavailableException.class);
            assertThat(relay.clientSubjects()).isEmpty();
        }
    }

    @Test
    void aBrokerItsTrustDoesNotVouchForIsRefused() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("Rabbit CA");
        try (TlsRelay relay = relay(ca.server("rabbit"), ca, false)) {
            Throwable e = sendFailure(rabbit.config().port(relay.port())
                    .tls(Tls.builder().trustStore(TestCertificates.authority("Other CA").trustStore()).build()).build());

            assertThat(e).isInstanceOf(UnauthenticatedException.class).hasMessageContaining("TLS handshake failed")
                    .hasStackTraceContaining("PKIX path building failed");
        }
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
