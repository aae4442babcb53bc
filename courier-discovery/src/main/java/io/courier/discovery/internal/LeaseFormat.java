package io.courier.discovery.internal;

import io.courier.discovery.ServiceInstance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The bytes of a registered instance, as a lease file or a ZooKeeper node holds them: Java
 * properties (text a person can read with {@code cat}) with the instance and, for leases, the
 * owner process and the time of the last renewal.
 */
public final class LeaseFormat {
    /**
     * The most bytes a lease may have. Courier writes a few hundred; the bound keeps a foreign or
     * broken writer's file or node from costing a reader more than this, on every read.
     */
    public static final int MAX_BYTES = 64 * 1024;

    private LeaseFormat() {
    }

    /** A lease as read back: the instance, and who holds it since when. */
    public record Lease(ServiceInstance instance, long pid, long pidStartMillis, String host, long renewedMillis) {
    }

    /** The bytes of {@code lease}. */
    public static byte[] encode(Lease lease) {
        ServiceInstance i = lease.instance();
        Map<String, String> p = new TreeMap<>();
        p.put("service", i.service());
        p.put("id", i.id());
        p.put("health", i.health().name());
        for (int n = 0; n < i.uris().size(); n++) {
            p.put("uri." + n, i.uris().get(n).toString());
        }
        i.metadata().forEach((k, v) -> p.put("meta." + k, v));
        p.put("pid", Long.toString(lease.pid()));
        p.put("pid.start", Long.toString(lease.pidStartMillis()));
        p.put("host", lease.host());
        p.put("renewed", Long.toString(lease.renewedMillis()));
        StringBuilder out = new StringBuilder();
        Properties escaper = new Properties();
        p.forEach(escaper::setProperty);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            escaper.store(bytes, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Drop the date comment Properties.store writes: the same lease gives the same bytes.
        for (String line : bytes.toString(StandardCharsets.ISO_8859_1).split("\n")) {
            if (!line.startsWith("#")) {
                out.append(line.strip()).append('\n');
            }
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The lease in {@code bytes}.
     *
     * @throws IllegalArgumentException when the bytes are not a lease
     */
    public static Lease decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("lease: " + bytes.length + " bytes (expected: at most " + MAX_BYTES + ")");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("lease: unreadable (" + e.getMessage() + ")", e);
        }
        List<URI> uris = new ArrayList<>();
        for (int n = 0; p.getProperty("uri." + n) != null; n++) {
            uris.add(uri("uri." + n, p.getProperty("uri." + n)));
        }
        try {
            Map<String, String> meta = new LinkedHashMap<>();
            for (String k : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
                if (k.startsWith("meta.")) {
                    meta.put(k.substring(5), p.getProperty(k));
                }
            }
            ServiceInstance instance = new ServiceInstance(require(p, "service"), require(p, "id"), uris, meta,
                    ServiceInstance.Health.valueOf(p.getProperty("health", "UP")));
            return new Lease(instance, Long.parseLong(p.getProperty("pid", "-1")),
                    Long.parseLong(p.getProperty("pid.start", "0")), p.getProperty("host", ""),
                    Long.parseLong(p.getProperty("renewed", "0")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("lease: " + e.getMessage() + " (expected: a lease written by Courier)", e);
        }
    }

    /**
     * A URI a client can connect to: a host and a port in 1..65535. {@link URI} accepts
     * {@code http://host:0}, {@code http://:80} and {@code http://a_b:80} (no host), which
     * would send calls nowhere.
     */
    private static URI uri(String key, String text) {
        URI u;
        try {
            u = URI.create(text);
        } catch (IllegalArgumentException e) {
            u = null;
        }
        if (u == null || u.getScheme() == null || u.getHost() == null || u.getPort() < 1 || u.getPort() > 65535) {
            throw new IllegalArgumentException("lease: " + key + ": " + text + " (expected: scheme://host:port, port 1..65535)");
        }
        return u;
    }

    private static String require(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException(key + ": missing");
        }
        return v;
    }
}
