package io.courier.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.courier.bench.Report;
import io.courier.bench.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks with settings sized for a 2-core machine, prints a table, writes
 * JSON under {@code results/}, and ends with {@code ratio <name>: <courier/peer>} lines for each
 * pair of benchmarks named {@code courierX} and {@code <peer>X} in the same class.
 */
public final class JmhMain {
    private static final int WARMUP_ITERATIONS = Integer.getInteger("bench.jmh.warmups", 2);
    private static final int ITERATIONS = Integer.getInteger("bench.jmh.iterations", 4);
    private static final int SECONDS = Integer.getInteger("bench.jmh.seconds", 1);
    private static final String[] JVM_ARGS = {"-Xms512m", "-Xmx512m", "-Dcourier.discovery=none",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"};

    private JmhMain() {
    }

    /** Entry point: an optional regular expression selecting benchmarks. */
    public static void main(String[] args) throws Exception {
        String include = args.length > 0 ? args[0] : "io.courier.bench.jmh.*";
        io.courier.bench.load.LoadMain.machine(); // notes the load average before the benchmarks run
        Options options = new OptionsBuilder()
                .include(include)
                .forks(1)
                .warmupIterations(WARMUP_ITERATIONS).warmupTime(TimeValue.seconds(SECONDS))
                .measurementIterations(ITERATIONS).measurementTime(TimeValue.seconds(SECONDS))
                .jvmArgs(JVM_ARGS)
                .build();
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (RunResult r : new Runner(options).run()) {
            String name = r.getParams().getBenchmark() + params(r.getParams());
            double score = r.getPrimaryResult().getScore();
            scores.put(name, score);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("benchmark", name);
            row.put("score", score);
            row.put("error", r.getPrimaryResult().getScoreError());
            row.put("unit", r.getPrimaryResult().getScoreUnit());
            row.put("threads", r.getParams().getThreads());
            rows.add(row);
        }
        System.out.println();
        System.out.printf("  %-90s %14s %12s%n", "benchmark", "score", "unit");
        for (Map<String, Object> row : rows) {
            System.out.printf("  %-90s %14.1f %12s%n", row.get("benchmark"), (Double) row.get("score"), row.get("unit"));
        }
        Map<String, Double> ratios = pairRatios(scores);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", "jmh");
        doc.put("date", Instant.now().toString());
        doc.put("machine", io.courier.bench.load.LoadMain.machine());
        doc.put("settings", "forks 1, warm-up " + WARMUP_ITERATIONS + " x " + SECONDS + " s, measurement " + ITERATIONS
                + " x " + SECONDS + " s, " + String.join(" ", JVM_ARGS));
        doc.put("command", System.getProperty("bench.command", "benchmarks/run jmh"));
        doc.put("results", rows);
        doc.put("ratios", ratios);
        Path dir = Path.of(System.getProperty("bench.results", "results"));
        Files.createDirectories(dir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path file = dir.resolve("jmh-" + stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
        System.out.println("results: " + file);
        Targets.print(ratios);
        ratios.forEach((name, value) -> System.out.printf("ratio %s: %s%n", name, Report.ratio(value)));
    }

    /** The benchmark's parameters as {@code [name=value,...]}, empty without any. */
    private static String params(BenchmarkParams p) {
        if (p.getParamsKeys().isEmpty()) {
            return "";
        }
        return p.getParamsKeys().stream().map(k -> k + "=" + p.getParam(k)).collect(Collectors.joining(",", "[", "]"));
    }

    /**
     * For average-time benchmarks {@code Class.courierX} and {@code Class.peerX} (with the same
     * parameters), the ratio of peer time to Courier time, so above 1.0 means Courier is faster,
     * as for throughput.
     */
    private static Map<String, Double> pairRatios(Map<String, Double> scores) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            String full = e.getKey();
            int bracket = full.indexOf('[');
            String params = bracket < 0 ? "" : full.substring(bracket);
            String name = bracket < 0 ? full : full.substring(0, bracket);
            int dot = name.lastIndexOf('.');
            String cls = name.substring(0, dot);
            String method = name.substring(dot + 1);
            if (!method.startsWith("courier")) {
                continue;
            }
            String suffix = method.substring("courier".length());
            for (Map.Entry<String, Double> other : scores.entrySet()) {
                String o = other.getKey();
                if (!o.endsWith(suffix + params) || o.equals(full) || !o.startsWith(cls + ".")) {
                    continue;
                }
                String otherMethod = o.substring(cls.length() + 1, o.length() - params.length());
                if (otherMethod.startsWith("courier") || otherMethod.equals(suffix)) {
                    continue;
                }
                String peer = otherMethod.substring(0, otherMethod.length() - suffix.length());
                String simple = cls.substring(cls.lastIndexOf('.') + 1).replace("Benchmark", "");
                ratios.put(simple + "-" + decapitalize(suffix) + "-vs-" + peer + params, other.getValue() / e.getValue());
            }
        }
        return ratios;
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
