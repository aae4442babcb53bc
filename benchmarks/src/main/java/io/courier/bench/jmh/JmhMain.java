package io.courier.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private JmhMain() {
    }

    /** Entry point: an optional regular expression selecting benchmarks. */
    public static void main(String[] args) throws Exception {
        String include = args.length > 0 ? args[0] : "io.courier.bench.jmh.*";
        Options options = new OptionsBuilder()
                .include(include)
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .jvmArgs("-Xms512m", "-Xmx512m")
                .build();
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (RunResult r : new Runner(options).run()) {
            String name = r.getParams().getBenchmark();
            double score = r.getPrimaryResult().getScore();
            scores.put(name, score);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("benchmark", name);
            row.put("score", score);
            row.put("error", r.getPrimaryResult().getScoreError());
            row.put("unit", r.getPrimaryResult().getScoreUnit());
            rows.add(row);
        }
        System.out.println();
        System.out.printf("  %-70s %14s %12s%n", "benchmark", "score", "unit");
        for (Map<String, Object> row : rows) {
            System.out.printf("  %-70s %14.1f %12s%n", row.get("benchmark"), (Double) row.get("score"), row.get("unit"));
        }
        Map<String, Double> ratios = pairRatios(scores);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", "jmh");
        doc.put("date", Instant.now().toString());
        doc.put("machine", io.courier.bench.load.LoadMain.machine());
        doc.put("settings", "forks 1, warm-up 3 x 1 s, measurement 5 x 1 s, -Xms512m -Xmx512m");
        doc.put("results", rows);
        doc.put("ratios", ratios);
        Path dir = Path.of(System.getProperty("bench.results", "results"));
        Files.createDirectories(dir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path file = dir.resolve("jmh-" + stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
        System.out.println("results: " + file);
        ratios.forEach((name, value) -> System.out.printf("ratio %s: %.2f%n", name, value));
    }

    /**
     * For average-time benchmarks {@code Class.courierX} and {@code Class.peerX}, the ratio of
     * peer time to Courier time, so above 1.0 means Courier is faster, as for throughput.
     */
    private static Map<String, Double> pairRatios(Map<String, Double> scores) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            String name = e.getKey();
            int dot = name.lastIndexOf('.');
            String cls = name.substring(0, dot);
            String method = name.substring(dot + 1);
            if (!method.startsWith("courier")) {
                continue;
            }
            String suffix = method.substring("courier".length());
            for (Map.Entry<String, Double> other : scores.entrySet()) {
                String o = other.getKey();
                if (o.startsWith(cls + ".") && !o.equals(name) && o.endsWith(suffix)
                        && !o.substring(cls.length() + 1).startsWith("courier")) {
                    String peer = o.substring(cls.length() + 1, o.length() - suffix.length());
                    String simple = cls.substring(cls.lastIndexOf('.') + 1).replace("Benchmark", "");
                    ratios.put(simple + "-" + decapitalize(suffix) + "-vs-" + peer, other.getValue() / e.getValue());
                }
            }
        }
        return ratios;
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
