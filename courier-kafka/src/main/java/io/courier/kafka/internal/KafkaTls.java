package io.courier.kafka.internal;

import io.courier.Tls;
import io.courier.UnauthenticatedException;
import io.courier.internal.RenewableTls;
import io.courier.internal.TlsPem;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * A {@link Tls} as kafka-clients' own settings: {@code security.protocol=SSL} with the
 * certificate, key and trust inline as PEM ({@code ssl.keystore.type=PEM},
 * {@code ssl.truststore.type=PEM}), since Kafka reads a PEM key and its chain from one file
 * only; with PEM files, also {@link RenewableSslEngineFactory}, which reads them again when they
 * change; and a refused handshake as Courier's error.
 */
public final class KafkaTls {
    /**
     * The id registered for each {@code Tls}, so configurations built from the same settings stay
     * equal. Both weak: the {@code Tls} is kept by its registration, which the id keeps, which
     * only the configurations keep.
     */
    private static final Map<Tls, WeakReference<String>> IDS = new WeakHashMap<>();

    private KafkaTls() {
    }

    /**
     * The client properties {@code tls} stands for, read from its files now.
     *
     * @throws IllegalArgumentException naming the file when a file cannot be used
     */
    public static Map<String, String> properties(Tls tls) {
        TlsPem pem = TlsPem.of(tls);
        Map<String, String> p = new TreeMap<>();
        p.put("security.protocol", "SSL");
        // Kafka's name for "check the server's certificate names the host dialled"; empty turns it off.
        p.put("ssl.endpoint.identification.algorithm", tls.hostnameVerification() ? "https" : "");
        pem.privateKey().ifPresent(key -> {
            p.put("ssl.keystore.type", "PEM");
            p.put("ssl.keystore.key", key);
            p.put("ssl.keystore.certificate.chain", pem.certificateChain().orElseThrow());
        });
        // Without trust of its own, Kafka (like the JDK) trusts the JDK's authorities.
        pem.trustedAuthorities().ifPresent(trust -> {
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.certificates", trust);
        });
        if (!tls.watchedFiles().isEmpty() && !tls.reloadInterval().isZero()) {
            // PEM files: every connection's engine from them as they are then, so renewals take effect.
            p.put("ssl.engine.factory.class", RenewableSslEngineFactory.class.getName());
            p.put(RenewableSslEngineFactory.ID, id(tls));
        }
        return p;
    }

    /** The id of {@code tls}'s registration: the one its configurations still hold, or a new one. */
    private static String id(Tls tls) {
        synchronized (IDS) {
            WeakReference<String> known = IDS.get(tls);
            String id = known == null ? null : known.get();
            if (id == null) {
                id = RenewableSslEngineFactory.register(RenewableTls.of(tls, "Kafka"));
                IDS.put(tls, new WeakReference<>(id));
            }
            return id;
        }
    }

    /** Whether {@code e} is, or was caused by, Kafka refusing to authenticate either side. */
    public static boolean isRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException) {
                return true;
            }
        }
        return false;
    }

    /** A refused TLS (or SASL) handshake, as {@link UnauthenticatedException}: not retry-safe, a configuration to fix. */
    public static UnauthenticatedException refused(String what, Throwable e) {
        return new UnauthenticatedException(what + ": Kafka's handshake failed (" + e
                + "); check the TLS settings on both sides: the trusted authorities, the client certificate"
                + " and the listener's protocol", Map.of(), e);
    }
}
