package io.courier.zookeeper;

import io.courier.Tls;
import io.courier.UnavailableException;
import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import io.courier.discovery.internal.LeaseFormat;
import io.courier.discovery.internal.SkippedEntries;
import io.courier.discovery.internal.Watchers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery on ZooKeeper, the engine for more than one machine: each registered instance is an
 * ephemeral node {@code <basePath>/<service>/<id>} holding its URIs, metadata and health, kept
 * (and re-created after a lost session) by Curator's {@link PersistentNode}; it vanishes when
 * its owner's session ends. Resolvers follow a service's nodes with a {@link CuratorCache}.
 *
 * <pre>{@code
 * try (ZooKeeperDiscovery zk = ZooKeeperDiscovery.builder().connectString("zk1:2181,zk2:2181").build();
 *      Courier courier = Courier.builder().name("inventory").discovery(zk).build()) {
 *     courier.serve(Inventory.class, new InventoryImpl());
 * }
 * }</pre>
 *
 * <p>When the connection is suspended or lost, watchers are told so ({@code onError}) and keep
 * what they knew; when it comes back they get the current instances. Thread-safe.
 */
public final class ZooKeeperDiscovery implements Discovery {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperDiscovery.class);

    private final CuratorFramework client;
    private final boolean ownsClient;
    private final ZooKeeperTls tls;
    private final String basePath;
    private final Duration registerTimeout;
    private final Duration connectionTimeout;
    private final Watchers watchers = new Watchers();
    private final SkippedEntries skipped = new SkippedEntries(log, "ZooKeeper discovery");
    private final Map<String, PersistentNode> nodes = new ConcurrentHashMap<>();
    private final Map<String, CuratorCache> caches = new ConcurrentHashMap<>();
    /**
     * The services whose cache has finished its first read (of the service's children, or of a
     * directory that is not there): before that, a list may be partial, so nothing is published.
     */
    private final Set<String> initialized = ConcurrentHashMap.newKeySet();
    /**
     * What each node read last was, by path, with the version of the node it was read from: a
     * change of one node then decodes that node only, not every node of the service again.
     */
    private final Map<String, Read> reads = new ConcurrentHashMap<>();

    /** A node's lease as read at {@code mzxid}: its instance, or why it was skipped. */
    private record Read(long mzxid, ServiceInstance instance, String skipped) {
    }

    private ZooKeeperDiscovery(Builder b) {
        this.basePath = b.basePath;
        this.registerTimeout = b.registerTimeout;
        this.connectionTimeout = b.connectionTimeout;
        if (b.client != null) {
            this.client = b.client;
            this.ownsClient = false;
            this.tls = null;
        } else {
            this.tls = b.tls == null ? null : ZooKeeperTls.of(b.tls);
            CuratorFrameworkFactory.Builder curator = CuratorFrameworkFactory.builder()
                    .connectString(b.connectString)
                    .sessionTimeoutMs((int) b.sessionTimeout.toMillis())
                    .connectionTimeoutMs((int) b.connectionTimeout.toMillis())
                    .retryPolicy(new ExponentialBackoffRetry(100, 5, 2_000));
            if (tls != null) {
                curator.zkClientConfig(tls.config());
            }
            this.client = curator.build();
            this.ownsClient = true;
            client.start();
        }
        client.getConnectionStateListenable().addListener((c, state) -> onConnection(state));
    }

    /** A builder with the defaults: {@code 127.0.0.1:2181}, base path {@code /courier/services}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public void register(ServiceInstance instance) {
        byte[] data = encode(instance);
        String path = path(instance.service(), instance.id());
        PersistentNode node = nodes.get(path);
        try {
            if (node != null) {
                node.setData(data);
                return;
            }
            node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path, data);
            node.start();
            nodes.put(path, node);
            if (!node.waitForInitialCreate(registerTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Curator keeps trying in the background; the caller learns that it is not there yet.
                throw new UnavailableException("zookeeper: " + path + " not created within " + registerTimeout.toMillis()
                        + " ms (connected to " + client.getZookeeperClient().getCurrentConnectionString() + ": "
                        + client.getZookeeperClient().isConnected() + ")");
            }
        } catch (UnavailableException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("zookeeper: interrupted registering " + path);
        } catch (Exception e) {
            throw new UnavailableException("zookeeper: cannot register " + path + ": " + e, Map.of(), true, e);
        }
    }

    @Override
    public void renew(ServiceInstance instance) {
        // The session is the lease: Curator keeps it alive and PersistentNode re-creates the node
        // after an expired one. A renew only brings back an instance this backend no longer holds.
        if (!nodes.containsKey(path(instance.service(), instance.id()))) {
            register(instance);
        }
    }

    @Override
    public void deregister(ServiceInstance instance) {
        PersistentNode node = nodes.remove(path(instance.service(), instance.id()));
        if (node != null) {
            try {
                node.close();
            } catch (Exception e) {
                log.warn("ZooKeeper: removing {} failed (it goes with the session): {}", instance.id(), e.toString());
            }
        }
    }

    @Override
    public Watch watch(String service, ServiceResolver.Listener listener) {
        Watch w = watchers.add(service, listener);
        String dir = dir(service);
        caches.computeIfAbsent(service, s -> {
            CuratorCache c = CuratorCache.build(client, dir);
            // The events of the first read come one node at a time (the directory first, with no
            // children yet): watchers hear the whole list once it is read, then every change.
            c.listenable().addListener((type, before, after) -> publish(s));
            c.listenable().addListener(CuratorCacheListener.builder()
                    .forInitialized(() -> {
                        initialized.add(s);
                        publish(s);
                    }).build());
            c.start();
            return c;
        });
        if (client.getZookeeperClient().isConnected()) {
            publish(service);
        } else {
            // Still connecting: the connection event publishes; only a connection that does not
            // come within its timeout is reported as a failure.
            Thread.ofVirtual().name("courier-zk-connect").start(() -> {
                try {
                    if (!client.blockUntilConnected((int) connectionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        watchers.fail(service, new UnavailableException("zookeeper: not connected to "
                                + client.getZookeeperClient().getCurrentConnectionString() + " within "
                                + connectionTimeout.toMillis() + " ms"));
                    } else {
                        publish(service);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        return w;
    }

    @Override
    public void close() {
        nodes.values().forEach(n -> {
            try {
                n.close();
            } catch (Exception e) {
                log.debug("Closing a node: {}", e.toString());
            }
        });
        nodes.clear();
        caches.values().forEach(CuratorCache::close);
        caches.clear();
        reads.clear();
        if (ownsClient) {
            client.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    private void onConnection(ConnectionState state) {
        switch (state) {
            case SUSPENDED, LOST -> {
                log.warn("ZooKeeper connection {}: resolvers keep the last known instances", state);
                watchers.failAll(new UnavailableException("zookeeper: connection " + state.name().toLowerCase()));
            }
            case RECONNECTED, CONNECTED -> watchers.services().forEach(this::publish);
            default -> {
            }
        }
    }

    /**
     * Tells the watchers of {@code service} what its cache holds, once the cache has read it
     * (Curator's initialized event, which comes also for a directory that is not there): before
     * that, the watchers hear from that event. A new session's connection event, in particular,
     * can come while the cache holds the directory and none of its children yet.
     */
    private void publish(String service) {
        CuratorCache cache = caches.get(service);
        if (cache == null || !initialized.contains(service) || !client.getZookeeperClient().isConnected()) {
            return;
        }
        String dir = dir(service);
        List<ServiceInstance> out = new ArrayList<>();
        SkippedEntries.Round round = skipped.round(dir);
        Set<String> seen = new HashSet<>();
        cache.stream().filter(d -> isChild(dir, d)).forEach(d -> {
            seen.add(d.getPath());
            Read r = read(service, d);
            if (r.instance() != null) {
                out.add(r.instance());
            } else {
                round.skip(d.getPath(), r.skipped());
            }
        });
        round.end();
        reads.keySet().removeIf(path -> path.startsWith(dir + "/") && !seen.contains(path)); // nodes gone
        out.sort(Comparator.comparing(ServiceInstance::id));
        watchers.publish(service, out);
    }

    /** Node {@code d} read: decoded again only when it changed since it was last read. */
    private Read read(String service, ChildData d) {
        long mzxid = d.getStat() == null ? -1 : d.getStat().getMzxid();
        Read last = reads.get(d.getPath());
        if (last != null && last.mzxid() == mzxid && mzxid != -1) {
            return last;
        }
        Read r;
        try {
            r = new Read(mzxid, instance(service, d), null);
        } catch (IllegalArgumentException e) {
            r = new Read(mzxid, null, e.getMessage());
        }
        reads.put(d.getPath(), r);
        return r;
    }

    /**
     * The instance in node {@code d}: a lease of {@code service} named after its id, so that a
     * node cannot pass for another instance (which would be listed twice).
     */
    private static ServiceInstance instance(String service, ChildData d) {
        ServiceInstance i = LeaseFormat.decode(d.getData()).instance();
        String name = ZKPaths.getNodeFromPath(d.getPath());
        if (!i.service().equals(service) || !i.id().equals(name)) {
            throw new IllegalArgumentException("lease: of " + i.service() + "/" + i.id() + " (expected: a lease of "
                    + service + "/" + name + ")");
        }
        return i;
    }

    private static boolean isChild(String dir, ChildData d) {
        String p = d.getPath();
        return p.startsWith(dir + "/") && p.indexOf('/', dir.length() + 1) < 0 && d.getData() != null;
    }

    private static byte[] encode(ServiceInstance instance) {
        return LeaseFormat.encode(new LeaseFormat.Lease(instance, ProcessHandle.current().pid(), 0, "", 0));
    }

    private String dir(String service) {
        if (!ServiceInstance.isValidName(service)) {
            throw new IllegalArgumentException("service: \"" + service + "\" (expected: letters, digits, '.', '_' or '-')");
        }
        return basePath + "/" + service;
    }

    private String path(String service, String id) {
        return dir(service) + "/" + id;
    }

    /** The Curator client, for tests of what the server sees of its session. */
    CuratorFramework curator() {
        return client;
    }

    /** The stores written for the client's TLS, null without TLS of its own. */
    ZooKeeperTls zooKeeperTls() {
        return tls;
    }

    @Override
    public String toString() {
        return "ZooKeeperDiscovery[" + client.getZookeeperClient().getCurrentConnectionString() + basePath + "]";
    }

    /** Configures a {@link ZooKeeperDiscovery}; not thread-safe. */
    public static final class Builder {
        private String connectString = "127.0.0.1:2181";
        private CuratorFramework client;
        private String basePath = "/courier/services";
        private Duration sessionTimeout = Duration.ofSeconds(15);
        private Duration connectionTimeout = Duration.ofSeconds(5);
        private Duration registerTimeout = Duration.ofSeconds(5);
        private Tls tls;

        private Builder() {
        }

        /**
         * Connects over TLS, to the ensemble's {@code secureClientPort}: {@code tls}'s trust
         * verifies the servers, its certificate, if any, is the client certificate (for
         * {@code ssl.clientAuth=need}), and the server's certificate must name the host dialled
         * unless {@code tls} turns hostname verification off. It becomes the ZooKeeper client's
         * own settings ({@code zookeeper.client.secure}, the Netty client socket,
         * {@code zookeeper.ssl.*} with PEM stores); since ZooKeeper reads a PEM key and its chain
         * from one file, that file is written to a temporary directory only this user may read,
         * and deleted on {@link ZooKeeperDiscovery#close()}. Not used with {@link #client}.
         */
        public Builder tls(Tls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** The ensemble, {@code host:port,host:port} (default {@code 127.0.0.1:2181}). */
        public Builder connectString(String connectString) {
            this.connectString = Objects.requireNonNull(connectString, "connectString");
            return this;
        }

        /** A started Curator client to use instead of making one; not closed with this. */
        public Builder client(CuratorFramework client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The node under which services are kept (default {@code /courier/services}). */
        public Builder basePath(String basePath) {
            Objects.requireNonNull(basePath, "basePath");
            if (!basePath.startsWith("/") || basePath.endsWith("/")) {
                throw new IllegalArgumentException("basePath: \"" + basePath + "\" (expected: /a/path without a trailing /)");
            }
            this.basePath = basePath;
            return this;
        }

        /** The session timeout (default 15 s): how long a silent instance stays registered. */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long connecting may take (default 5 s). */
        public Builder connectionTimeout(Duration timeout) {
            this.connectionTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long {@link ZooKeeperDiscovery#register} waits for its node (default 5 s). */
        public Builder registerTimeout(Duration timeout) {
            this.registerTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Connects (in the background) and returns the backend.
         *
         * @throws IllegalStateException when both {@link #client} and {@link #tls} are set
         * @throws IllegalArgumentException naming the file when a file of the {@link #tls} cannot be used
         */
        public ZooKeeperDiscovery build() {
            if (client != null && tls != null) {
                throw new IllegalStateException("tls: set with a client of its own (expected: one or the other;"
                        + " give that client its ZKClientConfig)");
            }
            return new ZooKeeperDiscovery(this);
        }
    }
}
