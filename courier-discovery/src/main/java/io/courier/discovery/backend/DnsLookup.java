package io.courier.discovery.backend;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

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
     * servers or the {@code dns://host:port} URL given.
     */
    static DnsLookup srv(String nameServerUrl) {
        return name -> {
            Hashtable<String, String> env = new Hashtable<>();
            env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
            if (nameServerUrl != null) {
                env.put("java.naming.provider.url", nameServerUrl);
            }
            try {
                DirContext ctx = new InitialDirContext(env);
                try {
                    Attribute records = ctx.getAttributes(name, new String[] {"SRV"}).get("SRV");
                    List<Target> out = new ArrayList<>();
                    for (int i = 0; records != null && i < records.size(); i++) {
                        // priority weight port target; the target is the rest, as a name may hold a space
                        String[] f = records.get(i).toString().trim().split("\\s+", 4);
                        String host = f[3].endsWith(".") ? f[3].substring(0, f[3].length() - 1) : f[3];
                        int port = Integer.parseInt(f[2]);
                        if (host.isEmpty() || port == 0) {
                            // "." is RFC 2782's "not offered here"; port 0 would read as no port, and the default taken
                            continue;
                        }
                        out.add(new Target(host, port, Math.max(1, Integer.parseInt(f[1])), Integer.parseInt(f[0])));
                    }
                    return out;
                } finally {
                    ctx.close();
                }
            } catch (NameNotFoundException e) {
                return List.of();
            } catch (NamingException e) {
                throw new IOException("DNS SRV lookup of " + name + " failed: " + e, e);
            }
        };
    }
}
