package io.courier.discovery.cli;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.backend.LocalDiscovery;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./courier instances [service] [--dir DIR]}: lists the instances the local registry
 * knows, with their health and whether their lease is live, one line each.
 */
public final class ListInstances {
    private ListInstances() {
    }

    /** Runs the command; exits 2 on bad arguments. */
    public static void main(String[] args) {
        String service = "";
        LocalDiscovery.Builder config = LocalDiscovery.builder();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> {
                    if (i + 1 == args.length) {
                        usage("--dir: missing directory");
                    }
                    config.directory(Path.of(args[++i]));
                }
                case "-h", "--help" -> {
                    usage(null);
                }
                default -> {
                    if (args[i].startsWith("-") || !service.isEmpty()) {
                        usage("unexpected argument: " + args[i]);
                    }
                    service = args[i];
                }
            }
        }
        try (LocalDiscovery local = config.build()) {
            print(local, service, System.out);
        }
    }

    /** Writes the table of {@code service}'s instances (every service's when empty) to {@code out}. */
    static void print(LocalDiscovery local, String service, PrintStream out) {
        List<LocalDiscovery.Entry> entries = local.entries(service);
        if (entries.isEmpty()) {
            out.println("No instances" + (service.isEmpty() ? "" : " of " + service) + " registered in "
                    + local.directory());
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
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    private static void usage(String error) {
        PrintStream out = error == null ? System.out : System.err;
        if (error != null) {
            out.println("courier instances: " + error);
        }
        out.println("Usage: ./courier instances [service] [--dir DIR]");
        out.println("Lists the instances the local registry knows (default directory: -Dcourier.discovery.dir,");
        out.println("else courier-discovery in java.io.tmpdir), with health and lease.");
        System.exit(error == null ? 0 : 2);
    }
}
