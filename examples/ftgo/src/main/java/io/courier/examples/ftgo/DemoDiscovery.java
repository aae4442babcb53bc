package io.courier.examples.ftgo;

import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import io.courier.discovery.backend.LocalDiscovery;
import io.courier.zookeeper.ZooKeeperDiscovery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The discovery backend of the multi-process demo, chosen by {@code --discovery}: {@code local}
 * (the default: lease files in a directory of the demo's own) or {@code zookeeper=HOST:PORT}
 * (a running ZooKeeper; the demo's instances under a base path of its own, so that runs sharing
 * an ensemble do not see each other). A child process is given it as one argument, {@link #spec()}:
 * the directory, or {@code zookeeper=HOST:PORT/BASE/PATH}. Closing it closes the backend.
 */
final class DemoDiscovery implements AutoCloseable {
    /**
     * How long a ZooKeeper session outlives its silent process: the ephemeral nodes of an instance
     * killed with {@code kill -9} go when it ends. 4 s is the least a server of the default tick
     * (2 s) grants.
     */
    static final Duration ZOOKEEPER_SESSION = Duration.ofSeconds(4);

    private final Discovery backend;
    private final String spec;
    private final String description;
    /** ZooKeeper: the instances of each service asked about, as its watch last told. */
    private final Map<String, List<ServiceInstance>> watched = new ConcurrentHashMap<>();
    private final Map<String, ServiceResolver.Watch> watches = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> firstLists = new ConcurrentHashMap<>();

    private DemoDiscovery(Discovery backend, String spec, String description) {
        this.backend = backend;
        this.spec = spec;
        this.description = description;
    }

    /**
     * The backend a child's argument (or, with {@code workDir}, {@code --discovery}) names:
     * {@code local} (in {@code workDir/discovery}), a directory, or {@code zookeeper=HOST:PORT[/BASE/PATH]}.
     *
     * @throws IllegalArgumentException when {@code spec} names neither
     */
    static DemoDiscovery open(String spec, Path workDir) {
        if (spec.startsWith("zookeeper=")) {
            String address = spec.substring("zookeeper=".length());
            int slash = address.indexOf('/');
            String connect = slash < 0 ? address : address.substring(0, slash);
            // The work directory's name (courier-demo-NNN) keeps a run's instances apart from another's.
            String basePath = slash >= 0 ? address.substring(slash) : "/" + (workDir == null ? "courier-demo"
                    : workDir.getFileName().toString().replaceAll("[^A-Za-z0-9-]", "")) + "/services";
            if (connect.isEmpty() || !connect.contains(":")) {
                throw new IllegalArgumentException("--discovery " + spec + " (expected: zookeeper=HOST:PORT)");
            }
            ZooKeeperDiscovery zk = ZooKeeperDiscovery.builder().connectString(connect).basePath(basePath)
                    .sessionTimeout(ZOOKEEPER_SESSION).build();
            return new DemoDiscovery(zk, "zookeeper=" + connect + basePath, "ZooKeeper at " + connect + " (under " + basePath + ")");
        }
        Path dir;
        if (spec.equals("local") && workDir != null) {
            dir = workDir.resolve("discovery");
        } else if (!spec.equals("local") && !spec.contains("=")) {
            dir = Path.of(spec);
        } else {
            throw new IllegalArgumentException("--discovery " + spec + " (expected: local or zookeeper=HOST:PORT)");
        }
        // A hung process keeps its lease for DemoNode.HUNG_LEASE; one that exits leaves at once.
        return new DemoDiscovery(LocalDiscovery.builder().directory(dir).leaseTtl(DemoNode.HUNG_LEASE).build(),
                dir.toString(), "local discovery");
    }

    /** The backend, for a {@code Courier} and the console. */
    Discovery backend() {
        return backend;
    }

    /** How a child process is told of it: its last argument. */
    String spec() {
        return spec;
    }

    /** What it is, for people: "local discovery", "ZooKeeper at ...". */
    String description() {
        return description;
    }

    /** The local registry's directory ({@code ./courier instances --dir}); null on ZooKeeper. */
    Path directory() {
        return backend instanceof LocalDiscovery local ? local.directory() : null;
    }

    /** The {@code ./courier instances} options that read this backend. */
    String instancesOptions() {
        if (backend instanceof LocalDiscovery local) {
            return "--dir " + local.directory();
        }
        String address = spec.substring("zookeeper=".length());
        int slash = address.indexOf('/');
        return "--zookeeper " + address.substring(0, slash) + " --base-path " + address.substring(slash);
    }

    /** The instances of {@code service} registered, alive, by their {@code instance} metadata. */
    Set<String> registered(String service) {
        if (backend instanceof LocalDiscovery local) {
            return local.entries(service).stream().filter(LocalDiscovery.Entry::live)
                    .map(e -> e.instance().metadata().getOrDefault("instance", "?")).collect(Collectors.toCollection(TreeSet::new));
        }
        CompletableFuture<Void> first = firstLists.computeIfAbsent(service, s -> {
            CompletableFuture<Void> listed = new CompletableFuture<>();
            watches.put(s, backend.watch(s, new ServiceResolver.Listener() {
                @Override
                public void onInstances(List<ServiceInstance> instances) {
                    watched.put(s, List.copyOf(instances));
                    listed.complete(null);
                }

                @Override
                public void onError(Throwable error) {
                    // keeps what it knew; the next change brings the list
                }
            }));
            return listed;
        });
        try { // a new watch: its first list, else an empty answer would read as "none registered"
            first.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // not known yet: none registered so far, as far as it can tell
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return watched.getOrDefault(service, List.of()).stream().map(i -> i.metadata().getOrDefault("instance", "?"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public void close() {
        watches.values().forEach(ServiceResolver.Watch::close);
        backend.close();
    }
}
