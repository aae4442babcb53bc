package io.courier.discovery.backend;

import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import io.courier.discovery.internal.SkippedEntries;
import io.courier.discovery.internal.Watchers;
import io.courier.internal.Checks;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery through DNS: a service's instances are what its name resolves to (A/AAAA, or SRV
 * with ports and weights), looked up again every {@linkplain Builder#ttl TTL}. Covers
 * Kubernetes headless services ({@code inventory.shop.svc.cluster.local} lists every ready
 * pod). Registration is DNS's business, not Courier's: {@link #register}, {@link #renew} and
 * {@link #deregister} do nothing.
 *
 * <pre>{@code
 * DnsDiscovery dns = DnsDiscovery.builder()
 *     .name(service -> service + ".shop.svc.cluster.local")
 *     .port(8080)
 *     .build();
 * }</pre>
 *
 * <p>A failed lookup keeps the last answer (the view turns stale); a name that does not exist
 * means no instances. Thread-safe; one daemon thread re-resolves.
 */
public final class DnsDiscovery implements Discovery {
    private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);
    /**
     * The most targets of a name listed. DNS bounds an answer (64 KiB over TCP, a few thousand
     * SRV records); a service has tens or hundreds of instances, and the bound keeps a server
     * that fills its answers from making each client track thousands of endpoints.
     */
    static final int MAX_TARGETS = 1000;

    private final DnsLookup lookup;
    private final Function<String, String> naming;
    private final String scheme;
    private final int port;
    private final long ttlMillis;
    private final Watchers watchers = new Watchers();
    private final SkippedEntries skipped = new SkippedEntries(log, "DNS discovery");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("courier-dns-discovery").factory());
    private final Object lock = new Object();
    private ScheduledFuture<?> refresh;

    private DnsDiscovery(Builder b) {
        this.lookup = b.lookup;
        this.naming = b.naming;
        this.scheme = b.scheme;
        this.port = b.port;
        this.ttlMillis = b.ttl.toMillis();
    }

    /** A builder with the defaults: A/AAAA of the service's own name, {@code http}, port 80, TTL 30 s. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "dns";
    }

    /** Does nothing: instances are registered in DNS. */
    @Override
    public void register(ServiceInstance instance) {
        log.debug("DNS discovery does not register {} (DNS lists the instances)", instance.id());
    }

    /** Does nothing. */
    @Override
    public void renew(ServiceInstance instance) {
    }

    /** Does nothing. */
    @Override
    public void deregister(ServiceInstance instance) {
    }

    @Override
    public Duration renewInterval() {
        return Duration.ofHours(1); // nothing to renew; rarely woken
    }

    @Override
    public Watch watch(String service, ServiceResolver.Listener listener) {
        Watch w = watchers.add(service, listener);
        synchronized (lock) {
            if (refresh == null) {
                refresh = timer.scheduleWithFixedDelay(this::refreshAll, ttlMillis, ttlMillis, TimeUnit.MILLISECONDS);
            }
        }
        timer.execute(() -> resolve(service)); // off the caller's thread: a lookup may block
        return w;
    }

    /** Looks every watched service up again now, rather than at the next TTL. */
    public void refresh() {
        timer.execute(this::refreshAll);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void refreshAll() {
        watchers.services().forEach(this::resolve);
    }

    private void resolve(String service) {
        try {
            String dnsName = naming.apply(service); // in here: a failure must not end the periodic refresh
            List<DnsLookup.Target> targets = lookup.lookup(dnsName);
            // RFC 2782: the lowest priority is used while it has targets; the others wait as backups.
            int best = targets.stream().mapToInt(DnsLookup.Target::priority).min().orElse(0);
            Map<String, ServiceInstance> byId = new TreeMap<>();
            SkippedEntries.Round round = skipped.round(service);
            for (DnsLookup.Target t : targets) {
                if (t.priority() != best) {
                    continue;
                }
                int p = t.port() > 0 ? t.port() : port;
                URI uri = uri(t.host(), p);
                if (uri == null) {
                    round.skip(dnsName + " -> " + abbreviate(t.host()) + ":" + p,
                            "not a host to call (expected: a host name or address, port 1..65535)");
                    continue;
                }
                String id = id(t.host(), p);
                byId.putIfAbsent(id, new ServiceInstance(service, id, List.of(uri),
                        Map.of(ServiceInstance.WEIGHT, Integer.toString(t.weight())), ServiceInstance.Health.UP));
            }
            if (byId.size() > MAX_TARGETS) {
                round.skip(dnsName, byId.size() + " targets (expected: at most " + MAX_TARGETS + "); only the first "
                        + MAX_TARGETS + " by host and port are listed");
            }
            List<ServiceInstance> out = byId.values().stream().limit(MAX_TARGETS).toList();
            round.end();
            watchers.publish(service, out);
        } catch (Exception e) {
            watchers.fail(service, e);
        }
    }

    /**
     * The instance id of a target: its host and port, with what an id may not hold replaced,
     * and cut (with a hash of the whole, so it stays one target's) when a long DNS name (up to
     * 253 characters) would not fit in an id's 200.
     */
    static String id(String host, int port) {
        String id = (host + "-" + port).replaceAll("[^A-Za-z0-9._-]", "_");
        if (id.length() <= 200) {
            return id;
        }
        return id.substring(0, 180) + "-" + Integer.toHexString(id.hashCode());
    }

    private static String abbreviate(String host) {
        return host.length() <= 253 ? host : host.substring(0, 253) + "...";
    }

    /**
     * The URI of a target, or null when it names nothing to call: a name {@link URI} cannot
     * hold (a space, an underscore: it then has no host) or a port out of range.
     */
    private URI uri(String host, int p) {
        if (p > 65535) {
            return null;
        }
        try {
            URI uri = new URI(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + p); // [IPv6 literal]
            return uri.getHost() != null && uri.getPort() == p ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "DnsDiscovery[" + scheme + "://<name>:" + port + ", ttl " + ttlMillis + " ms]";
    }

    /** Configures a {@link DnsDiscovery}; not thread-safe. */
    public static final class Builder {
        private DnsLookup lookup = DnsLookup.addresses();
        private Function<String, String> naming = Function.identity();
        private String scheme = "http";
        private int port = 80;
        private Duration ttl = Duration.ofSeconds(30);

        private Builder() {
        }

        /** How names are looked up (default {@link DnsLookup#addresses()}; {@link DnsLookup#srv} for SRV). */
        public Builder lookup(DnsLookup lookup) {
            this.lookup = Objects.requireNonNull(lookup, "lookup");
            return this;
        }

        /** The DNS name of a service (default the service's name itself). */
        public Builder name(Function<String, String> naming) {
            this.naming = Objects.requireNonNull(naming, "naming");
            return this;
        }

        /** The URI scheme of the instances (default {@code http}). */
        public Builder scheme(String scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /** The port when the records carry none, as A/AAAA (default 80). */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
            }
            this.port = port;
            return this;
        }

        /** How often names are looked up again (default 30 s). */
        public Builder ttl(Duration ttl) {
            this.ttl = Checks.positive("ttl", ttl);
            return this;
        }

        /** The configured backend. */
        public DnsDiscovery build() {
            return new DnsDiscovery(this);
        }
    }
}
