/**
 * Discovery backends and load balancers: {@code StaticDiscovery} (addresses from
 * configuration), {@code LocalDiscovery} (zero-setup, across processes on one machine: leases
 * in a shared directory), {@code DnsDiscovery} (A/AAAA/SRV, re-resolved on a TTL), and
 * {@code LoadBalancers} (round robin, weighted, power-of-two-choices, zone preference).
 */
module io.courier.discovery {
    requires transitive io.courier.core;
    requires java.naming;

    exports io.courier.discovery.backend;
    exports io.courier.discovery.balancer;
    // The lease format, shared with the ZooKeeper backend; not a public API.
    exports io.courier.discovery.internal to io.courier.zookeeper;

    provides io.courier.discovery.Discovery with io.courier.discovery.backend.LocalDiscovery;
    provides io.courier.discovery.LoadBalancer with io.courier.discovery.balancer.PowerOfTwoChoices;
}
