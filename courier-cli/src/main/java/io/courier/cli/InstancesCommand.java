package io.courier.cli;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
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
 * {@code courier instances [service] [--dir DIR | --zookeeper HOST:PORT] [--breakers URL]}: the
 * instances a registry knows, with their health (and, in the local registry, whether their lease
 * is live), one line each; with {@code --breakers}, also the endpoint breakers of the running
 * service at that URL, as its metrics show them.
 */
@Command(name = "instances", mixinStandardHelpOptions = true,
        description = "Lists the instances the local registry (or ZooKeeper) knows, with health and, locally, lease;"
                + " with --breakers, also the breakers of a running service.",
        footerHeading = "%nExamples:%n",
        footer = {"  courier instances", "  courier instances consumer --dir /tmp/courier-discovery",
                "  courier instances consumer --zookeeper 127.0.0.1:2181",
                "  courier instances consumer --breakers http://127.0.0.1:8080"})
final class InstancesCommand implements Callable<Integer> {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

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

    @Option(names = "--breakers", paramLabel = "URL", description = "Also show the endpoint breakers of the running"
            + " service at URL (read from its /metrics: CourierMetrics with its breakers bound).")
    private String breakers;

    @Override
    public Integer call() throws Exception {
        int exit;
        if (zookeeper != null) {
            exit = zookeeper(spec.commandLine().getOut(), spec.commandLine().getErr());
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

    private int breakers(PrintWriter out, PrintWriter err) throws InterruptedException {
        URI scrape = BreakerStates.scrapeUri(breakers);
        List<BreakerStates.Breaker> found;
        try {
            found = BreakerStates.fetch(scrape, PATIENCE);
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
        ZooKeeperDiscovery.Builder config = ZooKeeperDiscovery.builder().connectString(zookeeper).connectionTimeout(PATIENCE);
        if (basePath != null) {
            config.basePath(basePath);
        }
        // The watch's first list is the whole one (the discovery publishes once it has read the service).
        CompletableFuture<List<ServiceInstance>> first = new CompletableFuture<>();
        try (ZooKeeperDiscovery zk = config.build();
             ServiceResolver.Watch w = zk.watch(service, new ServiceResolver.Listener() {
                 @Override
                 public void onInstances(List<ServiceInstance> instances) {
                     first.complete(instances);
                 }

                 @Override
                 public void onError(Throwable error) {
                     first.completeExceptionally(error);
                 }
             })) {
            List<ServiceInstance> instances = first.get(PATIENCE.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            if (instances.isEmpty()) {
                out.println("No instances of " + service + " registered in ZooKeeper at " + zookeeper);
            } else {
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"SERVICE", "INSTANCE", "HEALTH", "URIS", "ZONE", "VERSION", "WEIGHT"});
                for (ServiceInstance i : instances) {
                    rows.add(new String[] {i.service(), i.id(), i.health().name(), uris(i), dash(i.zone()), dash(i.version()),
                            Integer.toString(i.weight())});
                }
                table(rows, out);
                out.println("(ZooKeeper at " + zookeeper + ")");
            }
            out.flush();
            return 0;
        } catch (ExecutionException | TimeoutException e) {
            err.println("ZooKeeper at " + zookeeper + " did not answer about " + service + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : "no answer within " + PATIENCE.toSeconds() + " s")
                    + "\nCheck the address, or leave --zookeeper out to read the local registry.");
            return 1;
        }
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
