/**
 * Discovery on ZooKeeper through Curator: {@code ZooKeeperDiscovery}, the multi-machine
 * registry and resolver (ephemeral nodes, watches).
 */
module io.courier.zookeeper {
    requires transitive io.courier.discovery;
    // Curator and ZooKeeper have no module names of their own: these come from the jar names.
    requires curator.framework;
    requires curator.recipes;
    requires curator.client;
    requires zookeeper;

    exports io.courier.zookeeper;
}
