package io.courier.cli;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.backend.LocalDiscovery;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code courier instances [service] [--dir DIR]}: the instances the local registry knows, with
 * their health and whether their lease is live, one line each.
 */
@Command(name = "instances", mixinStandardHelpOptions = true,
        description = "Lists the instances the local registry knows, with health and lease.",
        footerHeading = "%nExamples:%n",
        footer = {"  courier instances", "  courier instances consumer --dir /tmp/courier-discovery"})
final class InstancesCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SERVICE", description = "Only this service's instances.")
    private String service = "";

    @Option(names = "--dir", paramLabel = "DIR", description = "The registry directory (default: "
            + "-Dcourier.discovery.dir, else courier-discovery in java.io.tmpdir).")
    private Path dir;

    @Override
    public Integer call() {
        LocalDiscovery.Builder config = LocalDiscovery.builder();
        if (dir != null) {
            config.directory(dir);
        }
        try (LocalDiscovery local = config.build()) {
            print(local, service, spec.commandLine().getOut());
        }
        return 0;
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
                    (e.live() ? "live" : "dead") + " (" + ageMs + " ms ago)",
                    String.join(",", i.uris().stream().map(Object::toString).toList()),
                    dash(i.zone()), dash(i.version()), Integer.toString(i.weight()), Long.toString(e.pid())});
        }
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
        out.println("(registry: " + local.directory() + ")");
        out.flush();
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
