package io.courier.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.Tls;
import io.courier.kafka.KafkaConfig;
import io.courier.test.Await;
import io.courier.test.TestCertificates;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registrations {@link RenewableSslEngineFactory} keeps for {@link KafkaTls}: there while a
 * configuration holding the id is, gone with the last one.
 */
class RenewableSslEngineFactoryTest {
    @TempDir
    Path dir;
    private TestCertificates.Files pki;

    @BeforeEach
    void certificates() {
        pki = TestCertificates.writeFiles(dir);
    }

    private Tls tls() {
        return Tls.builder().keyCertificate(pki.clientCert(), pki.clientKey()).trust(pki.ca()).build();
    }

    private record Dropped(WeakReference<Tls> tls, String equalId) {
    }

    /**
     * A configuration built with a {@code Tls} of PEM files and a factory configured from it,
     * then all dropped: what is left is a weak reference to the {@code Tls} and an equal copy of
     * the id (not the {@code String} the configuration held).
     */
    private Dropped builtAndDropped() {
        Tls tls = tls();
        KafkaConfig config = KafkaConfig.builder().tls(tls).build();
        String id = config.producerProperties().get(RenewableSslEngineFactory.ID);
        new RenewableSslEngineFactory().configure(config.producerProperties());
        return new Dropped(new WeakReference<>(tls), new String(id.toCharArray()));
    }

    private static boolean registered(String id) {
        try {
            new RenewableSslEngineFactory().configure(Map.of(RenewableSslEngineFactory.ID, id));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void aRegistrationGoesWithTheLastConfigurationHoldingItsId() {
        Dropped dropped = builtAndDropped();

        Await.until(Duration.ofSeconds(30), "the registration of a dropped configuration gone, and its Tls collected",
                () -> {
                    System.gc();
                    return !registered(dropped.equalId()) && dropped.tls().get() == null;
                });
        assertThatThrownBy(() -> new RenewableSslEngineFactory().configure(
                Map.of(RenewableSslEngineFactory.ID, dropped.equalId())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Courier TLS registered");
    }

    @Test
    void aConfigurationInUseKeepsItsRegistrationThroughCollections() {
        Tls tls = tls();
        KafkaConfig config = KafkaConfig.builder().tls(tls).build();
        // A copy made from the configuration carries the same id.
        KafkaConfig copy = config.toBuilder().clientId("copy").build();
        assertThat(KafkaConfig.builder().tls(tls).build()).as("built from the same settings").isEqualTo(config);
        WeakReference<Tls> weak = new WeakReference<>(tls);
        tls = null;
        config = null;

        for (int i = 0; i < 5; i++) {
            System.gc();
            assertThat(registered(copy.consumerProperties().get(RenewableSslEngineFactory.ID))).isTrue();
        }
        assertThat(weak.get()).isNotNull();
        RenewableSslEngineFactory factory = new RenewableSslEngineFactory();
        factory.configure(copy.consumerProperties());
        assertThat(factory.createClientSslEngine("kafka.test", 9093, "https").getUseClientMode()).isTrue();
    }
}
