package io.courier.kafka.internal;

import io.courier.internal.RenewableTls;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.apache.kafka.common.security.auth.SslEngineFactory;

/**
 * Kafka's {@code ssl.engine.factory.class} for a Courier {@code Tls} with PEM files: every new
 * connection of the producer, the consumers and the admin client gets its engine from
 * {@link RenewableTls}, so renewed files are presented from the next connection on, without a
 * new broker. Which {@code RenewableTls} is named by the {@value #ID} property, registered by
 * {@link #register}; Kafka instantiates this class by name and configures it with the client's
 * properties. {@code ssl.enabled.protocols} and {@code ssl.cipher.suites} are honoured; the
 * {@code ssl.keystore.*} and {@code ssl.truststore.*} ones are not read (the files are).
 */
public final class RenewableSslEngineFactory implements SslEngineFactory {
    /** The client property naming the registered {@link RenewableTls}. */
    public static final String ID = "courier.tls.renewable";

    /**
     * Each entry kept while its id, the very {@code String} {@link #register} returned, is in use:
     * a configuration is a value with no end of use to drop it at, but the id lives in the
     * properties of every {@code KafkaConfig} built with it (and of its copies) and of every Kafka
     * client configured from them. Once none is left, the entry goes after a collection.
     * A factory holds its {@code RenewableTls} itself, from {@link #configure} on.
     */
    private static final Map<String, RenewableTls> REGISTERED = Collections.synchronizedMap(new WeakHashMap<>());

    private RenewableTls tls;
    private List<String> protocols = List.of();
    private List<String> cipherSuites = List.of();

    /**
     * Registers {@code tls} and returns the value of {@value #ID} that names it: keep that
     * {@code String} itself (not an equal copy) in the client properties, since the entry lasts
     * as long as it does.
     */
    public static String register(RenewableTls tls) {
        Objects.requireNonNull(tls, "tls");
        String id = UUID.randomUUID().toString();
        REGISTERED.put(id, tls);
        return id;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object id = configs.get(ID);
        tls = id == null ? null : REGISTERED.get(id.toString());
        if (tls == null) {
            throw new IllegalArgumentException(ID + "=" + id + ": no Courier TLS registered under it"
                    + " (expected: the properties of a KafkaConfig built with tls(...))");
        }
        protocols = strings(configs.get("ssl.enabled.protocols"));
        cipherSuites = strings(configs.get("ssl.cipher.suites"));
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(Object::toString).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
        if (value instanceof String s && !s.isBlank()) {
            return List.of(s.split("\\s*,\\s*"));
        }
        return List.of();
    }

    @Override
    public SSLEngine createClientSslEngine(String peerHost, int peerPort, String endpointIdentification) {
        SSLEngine engine = tls.sslContext().createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        if (endpointIdentification != null && !endpointIdentification.isEmpty()) {
            params.setEndpointIdentificationAlgorithm(endpointIdentification);
        }
        if (!protocols.isEmpty()) {
            params.setProtocols(protocols.toArray(String[]::new));
        }
        if (!cipherSuites.isEmpty()) {
            params.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    @Override
    public SSLEngine createServerSslEngine(String peerHost, int peerPort) {
        throw new UnsupportedOperationException("Courier's Kafka TLS is for clients only");
    }

    @Override
    public boolean shouldBeRebuilt(Map<String, Object> nextConfigs) {
        return false; // the files are checked on every connection
    }

    @Override
    public Set<String> reconfigurableConfigs() {
        return Set.of();
    }

    @Override
    public KeyStore keystore() {
        return null;
    }

    @Override
    public KeyStore truststore() {
        return null;
    }

    @Override
    public void close() {
    }
}
