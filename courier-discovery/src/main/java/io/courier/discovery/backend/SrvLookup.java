package io.courier.discovery.backend;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.naming.CommunicationException;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * {@link DnsLookup#srv(String, Duration)}: SRV records through JNDI's DNS provider, with a
 * bounded wait and CNAME loops told from names without records.
 */
final class SrvLookup implements DnsLookup {
    /** The most CNAMEs followed to tell an empty answer from a loop. */
    static final int MAX_CNAMES = 8;

    private final String nameServerUrl;
    private final long timeoutMillis;

    SrvLookup(String nameServerUrl, Duration timeout) {
        this.nameServerUrl = nameServerUrl;
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public List<Target> lookup(String name) throws IOException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        if (nameServerUrl != null) {
            env.put("java.naming.provider.url", nameServerUrl);
        }
        // JNDI waits `initial`, then twice that, per server: two tries make the whole timeout.
        env.put("com.sun.jndi.dns.timeout.initial", Long.toString(Math.max(1, timeoutMillis / 3)));
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        try {
            DirContext ctx = new InitialDirContext(env);
            try {
                Attribute records = ctx.getAttributes(name, new String[] {"SRV"}).get("SRV");
                if (records == null || records.size() == 0) {
                    checkNoCnameLoop(ctx, name);
                    return List.of();
                }
                List<Target> out = new ArrayList<>();
                for (int i = 0; i < records.size(); i++) {
                    Target t = target(records.get(i).toString());
                    if (t != null) {
                        out.add(t);
                    }
                }
                return out;
            } finally {
                ctx.close();
            }
        } catch (NameNotFoundException e) {
            return List.of();
        } catch (CommunicationException e) {
            if (e.getRootCause() instanceof SocketTimeoutException) {
                SocketTimeoutException timeout = new SocketTimeoutException("DNS SRV lookup of " + name + ": no answer from "
                        + (nameServerUrl == null ? "the system's name servers" : nameServerUrl) + " within " + timeoutMillis
                        + " ms (expected: a name server that answers in time; an answer it sent could not be read"
                        + " if it was cut short or too large for UDP without the truncation bit)");
                timeout.initCause(e);
                throw timeout;
            }
            throw new IOException("DNS SRV lookup of " + name + " failed: " + e, e);
        } catch (NamingException e) {
            throw new IOException("DNS SRV lookup of " + name + " failed: " + e, e);
        }
    }

    /** One record, "priority weight port target"; null for a target of "." or port 0. */
    private static Target target(String record) {
        // priority weight port target; the target is the rest, as a name may hold a space
        String[] f = record.trim().split("\\s+", 4);
        String host = f[3].endsWith(".") ? f[3].substring(0, f[3].length() - 1) : f[3];
        int port = Integer.parseInt(f[2]);
        if (host.isEmpty() || port == 0) {
            // "." is RFC 2782's "not offered here"; port 0 would read as no port, and the default taken
            return null;
        }
        return new Target(host, port, Math.max(1, Integer.parseInt(f[1])), Integer.parseInt(f[0]));
    }

    /**
     * An answer without SRV records is no records, unless {@code name} is a CNAME whose chain
     * comes back to a name it passed (a broken zone, whose answer says nothing about the
     * instances: the last list is kept) or goes on past {@link #MAX_CNAMES}.
     */
    private static void checkNoCnameLoop(DirContext ctx, String name) throws NamingException, IOException {
        Set<String> chain = new LinkedHashSet<>();
        String next = canonical(name);
        chain.add(next);
        for (int hop = 0; hop < MAX_CNAMES; hop++) {
            Attribute cnames;
            try {
                cnames = ctx.getAttributes(next, new String[] {"CNAME"}).get("CNAME");
            } catch (NameNotFoundException e) {
                return;
            }
            if (cnames == null || cnames.size() == 0) {
                return; // the chain ends: the name has no SRV records
            }
            // A resolver may answer with the whole chain it followed: every name in it is a step.
            for (int i = 0; i < cnames.size(); i++) {
                next = canonical(cnames.get(i).toString());
                if (!chain.add(next)) {
                    throw new IOException("DNS SRV lookup of " + name + ": CNAME loop " + String.join(" -> ", chain) + " -> "
                            + next + " (expected: a chain of CNAMEs that ends at a name)");
                }
            }
        }
        throw new IOException("DNS SRV lookup of " + name + ": CNAME chain longer than " + MAX_CNAMES + ": "
                + String.join(" -> ", chain) + " (expected: at most " + MAX_CNAMES + ")");
    }

    private static String canonical(String name) {
        String n = name.trim().toLowerCase();
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
