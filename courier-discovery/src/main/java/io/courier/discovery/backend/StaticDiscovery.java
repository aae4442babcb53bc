package io.courier.discovery.backend;

import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import io.courier.discovery.internal.Watchers;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Discovery from configuration: a fixed list of addresses per service, plus whatever is
 * registered in this JVM (registrations live in memory and reach only this instance's
 * watchers). For tests, and for deployments whose addresses are known in advance.
 *
 * <pre>{@code
 * StaticDiscovery discovery = StaticDiscovery.parse("inventory=http://10.0.0.1:8080,http://10.0.0.2:8080");
 * Courier courier = Courier.builder().discovery(discovery).build();
 * }</pre>
 *
 * <p>Thread-safe; listeners are called on the thread that changed the registrations.
 */
public final class StaticDiscovery implements Discovery {
    private final Map<String, Map<String, ServiceInstance>> byService = new LinkedHashMap<>();
    private final Watchers watchers = new Watchers();

    private StaticDiscovery() {
    }

    /** An empty one: instances come from {@link #register}. */
    public static StaticDiscovery create() {
        return new StaticDiscovery();
    }

    /**
     * One listing {@code uris} as instances of {@code service} (ids {@code static-0}, {@code static-1}, ...).
     *
     * @throws IllegalArgumentException naming a URI without a scheme, a host, or a port in 1..65535 (or none)
     */
    public static StaticDiscovery of(String service, List<URI> uris) {
        StaticDiscovery d = new StaticDiscovery();
        d.add(service, uris);
        return d;
    }

    /**
     * One configured with lines of {@code service=uri,uri,...}, separated by newlines or
     * semicolons, e.g. {@code inventory=http://10.0.0.1:8080,http://10.0.0.2:8080;billing=h2c://10.0.0.3:9000}.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code service=uri,...}
     */
    public static StaticDiscovery parse(String config) {
        Objects.requireNonNull(config, "config");
        StaticDiscovery d = new StaticDiscovery();
        for (String entry : config.split("[;\n]")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("static discovery entry: \"" + entry.strip()
                        + "\" (expected: service=uri,uri,...)");
            }
            List<URI> uris = new ArrayList<>();
            for (String u : entry.substring(eq + 1).split(",")) {
                if (!u.isBlank()) {
                    uris.add(absolute(u.strip()));
                }
            }
            d.add(entry.substring(0, eq).strip(), uris);
        }
        return d;
    }

    private static URI absolute(String text) {
        URI uri = null;
        try {
            uri = new URI(text);
        } catch (java.net.URISyntaxException e) {
            // reported below with the expected form
        }
        return callable(uri, text);
    }

    /**
     * {@code uri} when a client can connect to it: a scheme, a host, and a port in 1..65535 or
     * none (the scheme's default). {@link URI} takes {@code http://:80}, {@code http://a_b:80}
     * (no host: {@code _} is not allowed in one) and {@code http://h:0} as valid.
     */
    private static URI callable(URI uri, String text) {
        if (uri == null || uri.getScheme() == null || uri.getHost() == null || uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("static discovery uri: \"" + text
                    + "\" (expected: an absolute URI with a host and a port in 1..65535, or none, such as http://10.0.0.1:8080)");
        }
        return uri;
    }

    private void add(String service, List<URI> uris) {
        for (URI uri : uris) {
            callable(uri, String.valueOf(uri));
            register(ServiceInstance.of(service, "static-" + instances(service).size(), List.of(uri)));
        }
    }

    @Override
    public String name() {
        return "static";
    }

    @Override
    public void register(ServiceInstance instance) {
        Objects.requireNonNull(instance, "instance");
        // Published under the lock, so that two racing changes reach listeners in order.
        synchronized (byService) {
            byService.computeIfAbsent(instance.service(), s -> new LinkedHashMap<>()).put(instance.id(), instance);
            watchers.publish(instance.service(), instances(instance.service()));
        }
    }

    @Override
    public void renew(ServiceInstance instance) {
        synchronized (byService) {
            Map<String, ServiceInstance> m = byService.get(instance.service());
            if (m != null && m.containsKey(instance.id())) {
                return;
            }
        }
        register(instance);
    }

    @Override
    public void deregister(ServiceInstance instance) {
        synchronized (byService) {
            Map<String, ServiceInstance> m = byService.get(instance.service());
            if (m == null || m.remove(instance.id()) == null) {
                return;
            }
            watchers.publish(instance.service(), instances(instance.service()));
        }
    }

    @Override
    public Watch watch(String service, ServiceResolver.Listener listener) {
        synchronized (byService) {
            Watch w = watchers.add(service, listener);
            watchers.publish(service, instances(service));
            return w;
        }
    }

    /** The instances of {@code service} now. */
    public List<ServiceInstance> instances(String service) {
        synchronized (byService) {
            return List.copyOf(byService.getOrDefault(service, Map.of()).values());
        }
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        synchronized (byService) {
            return "StaticDiscovery" + byService.keySet();
        }
    }
}
