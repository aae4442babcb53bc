package io.courier.zookeeper;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.internal.LeaseFormat;
import io.courier.discovery.internal.SkippedEntries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.WatcherRemoveCuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/**
 * The instance nodes of one service ({@code <basePath>/<service>/<id>}) as this backend reads
 * them: one level deep and no deeper, with bounds on what a node written by someone else can
 * cost. Watches are set on the service's node (its children) and on each instance node read
 * (its data); nodes below the instance nodes are never listed, watched nor read. A node's data
 * is read only if its {@link Stat} says it is at most {@link LeaseFormat#MAX_BYTES}, and again
 * only when it changed; at most {@link #MAX_INSTANCES} nodes are read, by name. What is kept is
 * the decoded instance, not the bytes.
 *
 * <p>Not thread-safe: {@link ZooKeeperDiscovery} calls it from its one reading thread.
 */
final class ServiceNodes {
    /**
     * The most instance nodes read of one service. A service runs tens or hundreds of
     * instances; the bound keeps a service node someone filled with children from costing a
     * read of each (and up to {@link LeaseFormat#MAX_BYTES} held for each).
     */
    static final int MAX_INSTANCES = 1000;

    private final WatcherRemoveCuratorFramework client;
    private final String service;
    private final String dir;
    private final Watcher watcher;
    /** What each instance node read, by node name (so in name order). */
    private final Map<String, Read> nodes = new TreeMap<>();
    /** How many children the service's node had at the last listing. */
    private int listed;

    /** A node's lease as read at {@code mzxid}: its instance, or why it was skipped. */
    private record Read(long mzxid, int bytes, ServiceInstance instance, String skipped) {
    }

    ServiceNodes(WatcherRemoveCuratorFramework client, String service, String dir, Watcher watcher) {
        this.client = client;
        this.service = service;
        this.dir = dir;
        this.watcher = watcher;
    }

    /** The path of the service's node. */
    String dir() {
        return dir;
    }

    /**
     * Lists the service's node again and reads the nodes that are new; with {@code all}, every
     * node's stat is read again too (after a new session, whose watches start afresh).
     *
     * @throws Exception what ZooKeeper threw: the connection is down, or the read was interrupted
     */
    void list(boolean all) throws Exception {
        List<String> children;
        try {
            children = client.getChildren().usingWatcher(watcher).forPath(dir);
        } catch (KeeperException.NoNodeException e) {
            // Not there yet: told when it is created. No instances, which is not a failure.
            if (client.checkExists().usingWatcher(watcher).forPath(dir) == null) {
                nodes.clear();
                listed = 0;
                return;
            }
            children = client.getChildren().usingWatcher(watcher).forPath(dir); // created meanwhile
        }
        listed = children.size();
        List<String> read = children.stream().sorted().limit(MAX_INSTANCES).toList();
        nodes.keySet().retainAll(read);
        for (String name : read) {
            if (all || !nodes.containsKey(name)) {
                read(name);
            }
        }
    }

    /** Reads node {@code name} again, if it is one this reads: its data changed, or it went. */
    void changed(String name) throws Exception {
        if (nodes.containsKey(name)) {
            read(name);
        }
    }

    /**
     * Reads the stat of node {@code name}, setting a watch on it, and its data when the stat
     * says it changed since it was read and is small enough to be a lease.
     */
    private void read(String name) throws Exception {
        String path = dir + "/" + name;
        if (!ServiceInstance.isValidName(name)) {
            nodes.put(name, new Read(-1, 0, null, "node name: \"" + abbreviate(name) + "\" (" + name.length()
                    + " characters; expected: an instance id, 1 to 200 letters, digits, '.', '_' or '-')"));
            return; // not a node Courier writes: neither watched nor read
        }
        Stat stat = client.checkExists().usingWatcher(watcher).forPath(path);
        if (stat == null) {
            nodes.remove(name); // gone: the listing's watch tells the rest
            return;
        }
        Read last = nodes.get(name);
        if (last != null && last.mzxid() == stat.getMzxid()) {
            return;
        }
        if (stat.getDataLength() > LeaseFormat.MAX_BYTES) {
            nodes.put(name, new Read(stat.getMzxid(), 0, null, "lease: " + stat.getDataLength()
                    + " bytes (expected: at most " + LeaseFormat.MAX_BYTES + "); not read"));
            return;
        }
        Stat at = new Stat();
        byte[] data;
        try {
            data = client.getData().storingStatIn(at).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            nodes.remove(name);
            return;
        }
        nodes.put(name, decode(name, at.getMzxid(), data));
    }

    /**
     * The instance in {@code data}: a lease of this service named after its id, so that a node
     * cannot pass for another instance (which would be listed twice).
     */
    private Read decode(String name, long mzxid, byte[] data) {
        int bytes = data == null ? 0 : data.length;
        try {
            ServiceInstance i = LeaseFormat.decode(data == null ? new byte[0] : data).instance();
            if (!i.service().equals(service) || !i.id().equals(name)) {
                throw new IllegalArgumentException("lease: of " + i.service() + "/" + i.id() + " (expected: a lease of "
                        + service + "/" + name + ")");
            }
            return new Read(mzxid, bytes, i, null);
        } catch (IllegalArgumentException e) {
            return new Read(mzxid, 0, null, e.getMessage());
        }
    }

    /** The instances read, by id; what was skipped is told to {@code round}. */
    List<ServiceInstance> instances(SkippedEntries.Round round) {
        if (listed > MAX_INSTANCES) {
            round.skip(dir, listed + " nodes (expected: at most " + MAX_INSTANCES + " instances); only the first "
                    + MAX_INSTANCES + " by name are read");
        }
        List<ServiceInstance> out = new ArrayList<>();
        nodes.forEach((name, r) -> {
            if (r.instance() != null) {
                out.add(r.instance());
            } else {
                round.skip(dir + "/" + abbreviate(name), r.skipped());
            }
        });
        return out;
    }

    /** The paths of the nodes whose leases are held, for tests of what is kept. */
    List<String> heldPaths() {
        return nodes.entrySet().stream().filter(e -> e.getValue().instance() != null).map(e -> dir + "/" + e.getKey())
                .toList();
    }

    /** The bytes of node data behind what is held, for tests of what is kept. */
    long heldBytes() {
        return nodes.values().stream().mapToLong(Read::bytes).sum();
    }

    /** Removes the watches this set. */
    void close() {
        client.removeWatchers();
    }

    private static String abbreviate(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "...";
    }
}
