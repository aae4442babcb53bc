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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery on ZooKeeper, the engine for more than one machine: each registered instance is an
 * ephemeral node {@code <basePath>/<service>/<id>} holding its URIs, metadata and health, kept
 * (and re-created after a lost session) by Curator's {@link PersistentNode}; it vanishes when
 * its owner's session ends. Resolvers follow a service's instance nodes with ZooKeeper watches,
 * one level deep: nodes below them are neither read nor kept, a node's data is read only when
 * it is at most {@link LeaseFormat#MAX_BYTES}, and at most 1,000
 * nodes of a service are read.
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
    /** The watched services' instance nodes, each read and published on {@link #reader} only. */
    private final Map<String, ServiceNodes> services = new ConcurrentHashMap<>();
    /**
     * The one thread that reads nodes: ZooKeeper's watch events and connection events hand it
     * their work, so a service's reads never overlap and a list is published only whole.
     */
    private final ExecutorService reader = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("courier-zk-discovery").factory());

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
        services.computeIfAbsent(service, s -> new ServiceNodes(client.newWatcherRemoveCuratorFramework(), s, dir,
                event -> onNodeEvent(s, dir, event)));
        if (client.getZookeeperClient().isConnected()) {
            read(service, true);
        } else {
            // Still connecting: the connection event reads; only a connection that does not
            // come within its timeout is reported as a failure.
            Thread.ofVirtual().name("courier-zk-connect").start(() -> {
                try {
                    if (!client.blockUntilConnected((int) connectionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        watchers.fail(service, new UnavailableException("zookeeper: not connected to "
                                + client.getZookeeperClient().getCurrentConnectionString() + " within "
                                + connectionTimeout.toMillis() + " ms"));
                    } else {
                        read(service, true);
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
        reader.shutdownNow(); // a read in progress is interrupted
        services.values().forEach(ServiceNodes::close);
        services.clear();
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
            case RECONNECTED, CONNECTED -> services.keySet().forEach(s -> read(s, true)); // a new session has no watches
            default -> {
            }
        }
    }

    /** A watch fired: the service's node (its children changed, or it came or went) or one instance node. */
    private void onNodeEvent(String service, String dir, WatchedEvent event) {
        String path = event.getPath();
        if (event.getType() == Watcher.Event.EventType.None || path == null) {
            return; // the connection's state, which onConnection handles
        }
        if (path.equals(dir)) {
            read(service, false);
        } else {
            String name = ZKPaths.getNodeFromPath(path);
            submit(service, nodes -> nodes.changed(name));
        }
    }

    /** Lists {@code service}'s node again on the reading thread ({@code all}: every node's stat too) and publishes. */
    private void read(String service, boolean all) {
        submit(service, nodes -> nodes.list(all));
    }

    /** A step of reading a service's nodes. */
    private interface Step {
        void run(ServiceNodes nodes) throws Exception;
    }

    /**
     * Runs {@code step} on the one reading thread, then tells the watchers of {@code service}
     * the instances read. Nothing is read while disconnected (the connection event reads
     * everything again); a read that fails is reported and the watchers keep what they knew.
     */
    private void submit(String service, Step step) {
        try {
            reader.execute(() -> {
                ServiceNodes nodes = services.get(service);
                if (nodes == null || !client.getZookeeperClient().isConnected()) {
                    return;
                }
                try {
                    step.run(nodes);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    if (!reader.isShutdown()) {
                        watchers.fail(service, new UnavailableException("zookeeper: reading " + nodes.dir() + " failed: " + e));
                    }
                    return;
                }
                SkippedEntries.Round round = skipped.round(nodes.dir());
                List<ServiceInstance> out = nodes.instances(round);
                round.end();
                watchers.publish(service, out);
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
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

    /** The paths of the nodes of {@code service} whose leases this holds, for tests of what is kept. */
    List<String> heldPaths(String service) throws Exception {
        return onReader(service, ServiceNodes::heldPaths);
    }

    /** The bytes of node data behind what this holds of {@code service}, for tests of what is kept. */
    long heldBytes(String service) throws Exception {
        return onReader(service, ServiceNodes::heldBytes);
    }

    private <T> T onReader(String service, java.util.function.Function<ServiceNodes, T> f) throws Exception {
        return reader.submit(() -> f.apply(services.get(service))).get();
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
