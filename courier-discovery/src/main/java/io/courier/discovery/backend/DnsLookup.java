package io.courier.discovery.backend;

import io.courier.internal.Checks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks a name up in DNS: the records {@link DnsDiscovery} turns into instances. A function,
 * so tests and special setups can answer from a table instead of the network. Must be
 * thread-safe; may block.
 *
 * <pre>{@code
 * DnsLookup fake = name -> List.of(new DnsLookup.Target("10.0.0.1", 8080, 100));
 * }</pre>
 */
@FunctionalInterface
public interface DnsLookup {
    /**
     * The targets {@code name} resolves to; empty when the name exists with no records or does
     * not exist.
     *
     * @throws IOException when DNS cannot be asked (the last answer is kept)
     */
    List<Target> lookup(String name) throws IOException;

    /**
     * One answer: a host (address or name), a port (0 when the record has none, as A/AAAA), an
     * SRV weight (100 when none) and an SRV priority (0 when none; lower is preferred).
     */
    record Target(String host, int port, int weight, int priority) {
        /** An answer without a priority (A/AAAA, or SRV records of one priority). */
        public Target(String host, int port, int weight) {
            this(host, port, weight, 0);
        }
    }

    /** A and AAAA records through the system resolver ({@link InetAddress}), which also reads {@code /etc/hosts}. */
    static DnsLookup addresses() {
        return name -> {
            try {
                List<Target> out = new ArrayList<>();
                for (InetAddress a : InetAddress.getAllByName(name)) {
                    out.add(new Target(a.getHostAddress(), 0, 100));
                }
                return out;
            } catch (UnknownHostException e) {
                return List.of(); // NXDOMAIN: no instances, not a failure of DNS
            }
        };
    }

    /**
     * SRV records ({@code _http._tcp.inventory.example.com}, which give host, port, weight and
     * priority) through the JDK's DNS resolver (JNDI's DNS provider), from the system's name
     * servers or the {@code dns://host:port} URL given, waiting at most 5 s for an answer.
     */
    static DnsLookup srv(String nameServerUrl) {
        return srv(nameServerUrl, Duration.ofSeconds(5));
    }

    /**
     * SRV records as {@link #srv(String)}, waiting at most {@code timeout} for a name server's
     * answer (asked twice: a third of it, then the rest). A server that does not answer in time,
     * or whose answers cannot be read (a datagram cut short), fails the lookup with a
     * {@link SocketTimeoutException}. An empty answer whose name is a CNAME is followed, at most
     * 8 names deep, to tell no records from a loop, which fails.
     *
     * @throws IllegalArgumentException when {@code timeout} is not positive
     */
    static DnsLookup srv(String nameServerUrl, Duration timeout) {
        return new SrvLookup(nameServerUrl, Checks.positive("timeout", timeout));
    }
}
