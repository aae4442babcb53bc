package io.courier.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load harness: {@code LoadMain <scenario>|all}. Each paired scenario runs Courier and its
 * peer in the same invocation, alternating A/B rounds, each server in its own JVM, and ends with
 * {@code ratio <name>: <courier/peer>} lines. Results go to {@code benchmarks/results/} as JSON.
 */
public final class LoadMain {
    private static final double WARMUP = Double.parseDouble(System.getProperty("bench.warmup", "5"));
    private static final double SECONDS = Double.parseDouble(System.getProperty("bench.seconds", "10"));
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    private static final int IN_FLIGHT = 64;
    private static final int RATE = Integer.getInteger("bench.rate", 2000);

    private final List<Measurement> all = new ArrayList<>();
    private final Map<String, Double> ratios = new LinkedHashMap<>();

    private LoadMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        String scenario = args.length > 0 ? args[0] : "all";
        LoadMain harness = new LoadMain();
        switch (scenario) {
            case "rest" -> harness.rest();
            case "floor" -> harness.floor();
            case "all" -> {
                harness.floor();
                harness.rest();
                harness.restVsFloor();
            }
            default -> {
                System.err.println("unknown scenario: " + scenario + " (expected: rest, floor or all)");
                System.exit(2);
            }
        }
        harness.write(scenario);
    }

    /**
     * Courier REST against plain Vert.x HTTP + Jackson (the floor Courier is built on) and against
     * Spring Boot with a {@code @RestController} (what many users would write instead).
     */
    private void rest() throws Exception {
        List<String> variants = System.getProperty("bench.spring.cp") == null
                ? List.of("courier-rest", "vertx-rest")
                : List.of("courier-rest", "vertx-rest", "spring-rest");
        List<Measurement> closed = new ArrayList<>();
        List<Measurement> open = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (String variant : round % 2 == 0 ? variants : variants.reversed()) {
                try (ServerProcess server = ServerProcess.start(variant); HttpLoad load = new HttpLoad(server.port(), IN_FLIGHT)) {
                    progress("rest", variant, round, "closed loop, " + IN_FLIGHT + " in flight");
                    closed.add(record(load.closedLoop(variant, IN_FLIGHT, WARMUP, SECONDS)));
                    progress("rest", variant, round, "open loop, " + RATE + " req/s");
                    open.add(record(load.openLoop(variant, RATE, WARMUP, SECONDS)));
                }
            }
        }
        table("rest: JSON echo, ~100 bytes, HTTP/1.1", closed, open);
        ratio("rest-throughput-vs-vertx", median(closed, "courier-rest", Measurement::throughput)
                / median(closed, "vertx-rest", Measurement::throughput));
        ratio("rest-p99-at-" + RATE + "-vs-vertx", median(open, "courier-rest", Measurement::p99Micros)
                / median(open, "vertx-rest", Measurement::p99Micros));
        if (variants.contains("spring-rest")) {
            ratio("rest-throughput-vs-spring", median(closed, "courier-rest", Measurement::throughput)
                    / median(closed, "spring-rest", Measurement::throughput));
            ratio("rest-p99-at-" + RATE + "-vs-spring", median(open, "courier-rest", Measurement::p99Micros)
                    / median(open, "spring-rest", Measurement::p99Micros));
        }
    }

    /** Raw TCP ping-pong on loopback: how close each protocol is to the wire. */
    private void floor() throws Exception {
        List<Measurement> closed = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            try (ServerProcess server = ServerProcess.start("tcp-echo"); TcpLoad load = new TcpLoad(server.port())) {
                progress("floor", "tcp-echo", round, "closed loop, " + IN_FLIGHT + " connections");
                closed.add(record(load.closedLoop("tcp-echo", IN_FLIGHT, WARMUP, SECONDS)));
            }
        }
        table("floor: raw TCP ping-pong, 100 bytes", closed, List.of());
    }

    private void restVsFloor() {
        ratio("courier-rest-vs-tcp-floor", median(all, "courier-rest", Measurement::throughput, "closed-" + IN_FLIGHT)
                / median(all, "tcp-echo", Measurement::throughput, "closed-" + IN_FLIGHT));
    }

    private Measurement record(Measurement m) {
        all.add(m);
        System.out.printf("    %.0f req/s, p50 %.0f us, p99 %.0f us, errors %d%n", m.throughput(), m.p50Micros(),
                m.p99Micros(), m.errors());
        return m;
    }

    private static void progress(String scenario, String variant, int round, String what) {
        System.out.printf("[%s] round %d/%d: %s, %s (%.0f s warm-up + %.0f s)%n", scenario, round + 1, ROUNDS, variant,
                what, WARMUP, SECONDS);
    }

    private static void table(String title, List<Measurement> closed, List<Measurement> open) {
        System.out.println();
        System.out.println(title);
        System.out.printf("  %-14s %-12s %12s %10s %10s %8s%n", "variant", "mode", "req/s", "p50 us", "p99 us", "errors");
        List<Measurement> rows = new ArrayList<>(closed);
        rows.addAll(open);
        rows.sort(Comparator.comparing(Measurement::mode).thenComparing(Measurement::variant));
        for (Measurement m : rows) {
            System.out.printf("  %-14s %-12s %12.0f %10.0f %10.0f %8d%n", m.variant(), m.mode(), m.throughput(),
                    m.p50Micros(), m.p99Micros(), m.errors());
        }
        System.out.println();
    }

    private static double median(List<Measurement> ms, String variant, java.util.function.ToDoubleFunction<Measurement> f) {
        return median(ms, variant, f, null);
    }

    private static double median(List<Measurement> ms, String variant, java.util.function.ToDoubleFunction<Measurement> f,
                                 String mode) {
        double[] values = ms.stream().filter(m -> m.variant().equals(variant) && (mode == null || m.mode().equals(mode)))
                .mapToDouble(f).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private void ratio(String name, double value) {
        ratios.put(name, value);
    }

    private void write(String scenario) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", scenario);
        doc.put("date", Instant.now().toString());
        doc.put("machine", machine());
        doc.put("settings", Map.of("warmupSeconds", WARMUP, "seconds", SECONDS, "rounds", ROUNDS, "inFlight", IN_FLIGHT,
                "openLoopRate", RATE, "serverJvmFlags", ServerProcess.JVM_FLAGS));
        doc.put("measurements", all);
        doc.put("ratios", ratios);
        Path dir = Path.of(System.getProperty("bench.results", "results"));
        Files.createDirectories(dir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path file = dir.resolve("load-" + scenario + "-" + stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
        System.out.println("results: " + file);
        // Ratios come last, so the last line of a paired scenario is its ratio.
        ratios.forEach((name, value) -> System.out.printf("ratio %s: %.2f%n", name, value));
    }

    /** The machine and JVM the figures come from. */
    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("harnessJvmFlags", ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        return m;
    }
}
