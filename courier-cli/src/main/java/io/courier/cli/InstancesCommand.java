package io.courier.cli;

import io.courier.discovery.Discovery;
import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import io.courier.discovery.backend.DnsDiscovery;
import io.courier.discovery.backend.DnsLookup;
import io.courier.discovery.backend.LocalDiscovery;
import io.courier.zookeeper.ZooKeeperDiscovery;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code courier instances [service] [--dir DIR | --zookeeper HOST:PORT | --dns NAME] [--breakers URL] [--timeout SECONDS]}: the
 * instances a registry knows, with their health (and, in the local registry, whether their lease
 * is live), one line each; with {@code --breakers}, also the endpoint breakers of the running
 * service at that URL, as its metrics show them.
 */
@Command(name = "instances", mixinStandardHelpOptions = true,
        description = "Lists the instances the local registry (or ZooKeeper, or DNS) knows, with health and, locally,"
                + " lease; with --breakers, also the breakers of a running service.",
        footerHeading = "%nExamples:%n",
        footer = {"  courier instances", "  courier instances consumer --dir /tmp/courier-discovery",
                "  courier instances consumer --zookeeper 127.0.0.1:2181",
                "  courier instances consumer --dns consumer.shop.svc.cluster.local --port 8080",
                "  courier instances consumer --dns _http._tcp.consumer.example.com --dns-server dns://10.0.0.2",
                "  courier instances consumer --breakers http://127.0.0.1:8080"})
final class InstancesCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SERVICE", description = "Only this service's instances.")
    private String service = "";

    @Option(names = "--dir", paramLabel = "DIR", description = "The registry directory (default: "
            + "-Dcourier.discovery.dir, else courier-discovery in java.io.tmpdir).")
    private Path dir;

    @Option(names = "--zookeeper", paramLabel = "HOST:PORT", description = "Ask this ZooKeeper ensemble instead (needs SERVICE).")
    private String zookeeper;

    @Option(names = "--base-path", paramLabel = "PATH", description = "With --zookeeper: the services' base path, if not the default.")
    private String basePath;

    @Option(names = "--dns", paramLabel = "NAME", description = "Ask DNS instead: the instances NAME resolves to"
            + " (A/AAAA through the system's resolver, or SRV with --dns-server); needs SERVICE.")
    private String dns;

    @Option(names = "--port", paramLabel = "PORT", description = "With --dns: the instances' port when the records carry"
            + " none, as A/AAAA (default 80).")
    private Integer port;

    @Option(names = "--dns-server", paramLabel = "URL", description = "With --dns: look SRV records up at this name"
            + " server (dns://HOST[:PORT]) instead of A/AAAA.")
    private String dnsServer;

    @Option(names = "--breakers", paramLabel = "URL", description = "Also show the endpoint breakers of the running"
            + " service at URL (read from its /metrics: CourierMetrics with its breakers bound).")
    private String breakers;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "How long to wait for"
            + " the registry, and for the whole scrape of --breakers (default: ${DEFAULT-VALUE} s).")
    private long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout " + timeoutSeconds + " (expected: seconds, 1 or more)");
        }
        int exit;
        if ((port != null || dnsServer != null) && dns == null) {
            throw new IllegalArgumentException((port != null ? "--port" : "--dns-server") + " is for --dns"
                    + " (expected: courier instances SERVICE --dns NAME [--port PORT | --dns-server URL])");
        }
        if (zookeeper != null && dns != null) {
            throw new IllegalArgumentException("--zookeeper and --dns: one registry at a time (expected: one of them)");
        }
        if (zookeeper != null) {
            exit = zookeeper(spec.commandLine().getOut(), spec.commandLine().getErr());
        } else if (dns != null) {
            exit = dns(spec.commandLine().getOut(), spec.commandLine().getErr());
        } else {
            LocalDiscovery.Builder config = LocalDiscovery.builder();
            if (dir != null) {
                config.directory(dir);
            }
            try (LocalDiscovery local = config.build()) {
                print(local, service, spec.commandLine().getOut());
            }
            exit = 0;
        }
        return breakers == null ? exit : Math.max(exit, breakers(spec.commandLine().getOut(), spec.commandLine().getErr()));
    }

    private Duration patience() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    private int breakers(PrintWriter out, PrintWriter err) throws InterruptedException {
        URI scrape = BreakerStates.scrapeUri(breakers);
        List<BreakerStates.Breaker> found;
        try {
            found = BreakerStates.fetch(scrape, patience());
        } catch (IOException e) {
            err.println("Reading the breakers at " + scrape + " failed: " + (e.getMessage() == null ? e : e.getMessage())
                    + "\nCheck that the service runs there and serves its metrics (CourierMetrics, with"
                    + " bind(CircuitBreakers, client) or bind(Resilience, client)).");
            err.flush();
            return 1;
        }
        out.println();
        if (found.isEmpty()) {
            out.println("No breakers in the metrics at " + scrape + " (none bound, or no call made yet)");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"CLIENT", "ENDPOINT", "BREAKER"});
            for (BreakerStates.Breaker b : found) {
                rows.add(new String[] {b.client(), b.endpoint(), b.state()});
            }
            table(rows, out);
            out.println("(breakers: " + scrape + ")");
        }
        out.flush();
        return 0;
    }

    private int zookeeper(PrintWriter out, PrintWriter err) throws Exception {
        if (service.isEmpty() || dir != null) {
            throw new IllegalArgumentException("--zookeeper " + zookeeper + ": " + (dir != null ? "--dir is for the local registry"
                    : "ZooKeeper is asked one service at a time") + " (expected: courier instances SERVICE --zookeeper HOST:PORT)");
        }
        ZooKeeperDiscovery.Builder config = ZooKeeperDiscovery.builder().connectString(zookeeper).connectionTimeout(patience());
        if (basePath != null) {
            config.basePath(basePath);
        }
        try (ZooKeeperDiscovery zk = config.build()) {
            return list(zk, "registered in ZooKeeper at " + zookeeper, "ZooKeeper at " + zookeeper, "ZooKeeper at "
                    + zookeeper, "Check the address, or leave --zookeeper out to read the local registry.", out, err);
        }
    }

    private int dns(PrintWriter out, PrintWriter err) throws Exception {
        if (service.isEmpty() || dir != null) {
            throw new IllegalArgumentException("--dns " + dns + ": " + (dir != null ? "--dir is for the local registry"
                    : "DNS is asked one service at a time") + " (expected: courier instances SERVICE --dns NAME)");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("--port " + port + " (expected: 1..65535)");
        }
        if (dnsServer != null && !dnsServer.startsWith("dns://")) {
            throw new IllegalArgumentException("--dns-server " + dnsServer + " (expected: dns://HOST[:PORT])");
        }
        DnsDiscovery.Builder config = DnsDiscovery.builder().name(s -> dns)
                .lookup(dnsServer != null ? DnsLookup.srv(dnsServer) : DnsLookup.addresses());
        if (port != null) {
            config.port(port);
        }
        String where = dnsServer != null ? "SRV records of " + dns + " at " + dnsServer : "addresses of " + dns;
        try (DnsDiscovery d = config.build()) {
            return list(d, "in DNS: no " + where, "DNS: " + where, "DNS (" + where + ")",
                    "Check the name" + (dnsServer != null ? " and the name server." : "."), out, err);
        }
    }

    /**
     * Prints the instances of {@link #service} {@code registry} knows, with {@code source} under
     * them ({@code none} after "No instances of SERVICE" when it knows none); exit 1, saying that
     * {@code asked} did not answer and {@code hint}, when it does not answer in time.
     */
    private int list(Discovery registry, String none, String source, String asked, String hint, PrintWriter out,
                     PrintWriter err) throws InterruptedException {
        try {
            List<ServiceInstance> instances = firstList(registry, service);
            if (instances.isEmpty()) {
                out.println("No instances of " + service + " " + none);
            } else {
                instanceTable(instances, out);
                out.println("(" + source + ")");
            }
            out.flush();
            return 0;
        } catch (ExecutionException | TimeoutException e) {
            err.println(asked + " did not answer about " + service + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : "no answer within " + timeoutSeconds + " s")
                    + "\n" + hint);
            return 1;
        }
    }

    /** The instances of {@code service} the first time {@code discovery} publishes them: the whole list. */
    private List<ServiceInstance> firstList(Discovery discovery, String service)
            throws ExecutionException, TimeoutException, InterruptedException {
        CompletableFuture<List<ServiceInstance>> first = new CompletableFuture<>();
        try (ServiceResolver.Watch w = discovery.watch(service, new ServiceResolver.Listener() {
            @Override
            public void onInstances(List<ServiceInstance> instances) {
                first.complete(instances);
            }

            @Override
            public void onError(Throwable error) {
                first.completeExceptionally(error);
            }
        })) {
            return first.get(patience().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        }
    }

    private static void instanceTable(List<ServiceInstance> instances, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SERVICE", "INSTANCE", "HEALTH", "URIS", "ZONE", "VERSION", "WEIGHT"});
        for (ServiceInstance i : instances) {
            rows.add(new String[] {i.service(), i.id(), i.health().name(), uris(i), dash(i.zone()), dash(i.version()),
                    Integer.toString(i.weight())});
        }
        table(rows, out);
    }

    /** Writes the table of {@code service}'s instances (every service's when empty) to {@code out}. */
    static void print(LocalDiscovery local, String service, PrintWriter out) {
        List<LocalDiscovery.Entry> entries = local.entries(service);
        if (entries.isEmpty()) {
            out.println("No instances" + (service.isEmpty() ? "" : " of " + service) + " registered in "
                    + local.directory());
            out.flush();
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SERVICE", "INSTANCE", "HEALTH", "LEASE", "URIS", "ZONE", "VERSION", "WEIGHT", "PID"});
        Instant now = Instant.now();
        for (LocalDiscovery.Entry e : entries) {
            ServiceInstance i = e.instance();
            long ageMs = Duration.between(e.renewedAt(), now).toMillis();
            rows.add(new String[] {i.service(), i.id(), i.health().name(),
                    (e.live() ? "live" : "dead") + " (" + ageMs + " ms ago)", uris(i),
                    dash(i.zone()), dash(i.version()), Integer.toString(i.weight()), Long.toString(e.pid())});
        }
        table(rows, out);
        out.println("(registry: " + local.directory() + ")");
        out.flush();
    }

    private static void table(List<String[]> rows, PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                r[c] = Printable.line(r[c]); // what a registry or a scrape holds may hold control characters
                widths[c] = Math.max(widths[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                line.append(c == r.length - 1 ? r[c] : String.format("%-" + (widths[c] + 2) + "s", r[c]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String uris(ServiceInstance i) {
        return String.join(",", i.uris().stream().map(Object::toString).toList());
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
