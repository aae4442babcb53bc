package io.courier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Renders the newest results JSON as markdown, so figures in {@code docs/benchmarks.md} always
 * come from a run and are never typed by hand: {@code Report <results-dir> [--write <doc>]}
 * prints the markdown and, with {@code --write}, replaces what lies between the doc's
 * {@value #BEGIN} and {@value #END} lines. Takes the newest JMH file and, for each load
 * scenario, the newest file that measured it.
 */
public final class Report {
    static final String BEGIN = "<!-- figures:begin -->";
    static final String END = "<!-- figures:end -->";

    private final ObjectMapper json = new ObjectMapper();
    private final StringBuilder out = new StringBuilder();

    private Report() {
    }

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Report <results-dir> [--write <markdown file>]");
            System.exit(2);
        }
        String markdown = new Report().render(Path.of(args[0]));
        System.out.print(markdown);
        if (args.length >= 3 && args[1].equals("--write")) {
            write(Path.of(args[2]), markdown);
        }
    }

    private static void write(Path doc, String markdown) throws IOException {
        String text = Files.readString(doc);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(doc + ": no " + BEGIN + " ... " + END + " section to fill");
        }
        Files.writeString(doc, text.substring(0, begin + BEGIN.length()) + "\n" + markdown + text.substring(end));
    }

    private String render(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            // The names end in a UTC time stamp: the newest sorts last within each kind.
            files = s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing((Path p) -> stamp(p.getFileName().toString())).reversed()).toList();
        }
        Optional<Path> jmh = files.stream().filter(p -> p.getFileName().toString().startsWith("jmh-")).findFirst();
        Map<String, Path> sectionFrom = new LinkedHashMap<>();
        Map<Path, JsonNode> docs = new LinkedHashMap<>();
        for (Path p : files) {
            if (!p.getFileName().toString().startsWith("load-")) {
                continue;
            }
            JsonNode doc = json.readTree(p.toFile());
            doc.path("scenarios").fieldNames().forEachRemaining(name -> sectionFrom.putIfAbsent(name, p));
            docs.put(p, doc);
        }
        List<Path> used = new ArrayList<>();
        jmh.ifPresent(used::add);
        sectionFrom.values().stream().distinct().forEach(used::add);
        if (used.isEmpty()) {
            return "No results yet: run `benchmarks/run all`.\n";
        }
        for (Path p : used) {
            docs.computeIfAbsent(p, this::read);
        }

        runs(used, docs);
        targets(used, docs);
        jmh.ifPresent(p -> jmh(docs.get(p)));
        for (String name : List.of("grpc", "grpc-client", "rest", "rest-client", "messaging", "floor")) {
            if (sectionFrom.containsKey(name)) {
                section(name, docs.get(sectionFrom.get(name)).path("scenarios").path(name));
            }
        }
        sectionFrom.keySet().stream().filter(n -> !List.of("grpc", "grpc-client", "rest", "rest-client", "messaging", "floor").contains(n))
                .forEach(n -> section(n, docs.get(sectionFrom.get(n)).path("scenarios").path(n)));
        return out.toString();
    }

    private static String stamp(String file) {
        int dash = file.lastIndexOf('-', file.lastIndexOf('-') - 1);
        return dash < 0 ? file : file.substring(dash + 1);
    }

    private JsonNode read(Path p) {
        try {
            return json.readTree(p.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("results file " + p + " is not readable JSON: " + e.getMessage(), e);
        }
    }

    private void runs(List<Path> used, Map<Path, JsonNode> docs) {
        line("### The runs these figures come from");
        line("");
        line("| results file | date (UTC) | command | machine | load average before / at start / at end |");
        line("|---|---|---|---|---|");
        for (Path p : used) {
            JsonNode d = docs.get(p);
            JsonNode m = d.path("machine");
            line("| `benchmarks/results/%s` | %s | `%s` | %s cores, %s; %s; %s | %s / %s / %s |", p.getFileName(),
                    d.path("date").asText().replace('T', ' ').replaceAll("\\.\\d+Z$", ""),
                    d.path("command").asText("benchmarks/run " + d.path("scenario").asText()), m.path("cores").asText(),
                    m.path("cpu").asText("unknown CPU"), m.path("jdk").asText(), m.path("os").asText(),
                    m.path("loadAverageBeforeRun").asText("unknown"), m.path("loadAverageAtStart").asText("unknown"),
                    m.path("loadAverageAtEnd").asText("unknown"));
        }
        line("");
        double busiest = 0;
        int cores = 0;
        for (Path p : used) {
            JsonNode m = docs.get(p).path("machine");
            cores = Math.max(cores, m.path("cores").asInt());
            for (String key : List.of("loadAverageBeforeRun", "loadAverageAtStart", "loadAverageAtEnd")) {
                busiest = Math.max(busiest, oneMinute(m.path(key).asText("")));
            }
        }
        if (cores > 0 && busiest > cores) {
            line("**The machine was busy**: a one-minute load average up to %.1f on %d cores during these runs (other "
                    + "work shared the cores with client and server). Absolute figures are low and vary between rounds; "
                    + "ratios from the same run are what to read, and even they are noisy.", busiest, cores);
            line("");
        }
        for (Path p : used) {
            JsonNode s = docs.get(p).path("settings");
            line("Settings of `%s`: %s", p.getFileName(), s.isTextual() ? s.asText() : s.toString());
            line("");
        }
    }

    private static double oneMinute(String loadAverage) {
        try {
            return Double.parseDouble(loadAverage.trim().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void targets(List<Path> used, Map<Path, JsonNode> docs) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        for (Path p : used) {
            docs.get(p).path("ratios").fields().forEachRemaining(e -> ratios.putIfAbsent(e.getKey(), e.getValue().asDouble()));
        }
        line("### Targets");
        line("");
        line("| ratio | target | measured | |");
        line("|---|---|---|---|");
        ratios.forEach((name, value) -> Targets.of(name).ifPresent(t ->
                line("| `%s` | %s | %s | %s |", name, t, ratio(value), t.met(value) ? "met" : "**missed**")));
        line("");
    }

    private void jmh(JsonNode doc) {
        line("### JMH (average time per operation; lower is better)");
        line("");
        line("| benchmark | threads | score | ± | unit |");
        line("|---|---|---|---|---|");
        for (JsonNode r : doc.path("results")) {
            String name = r.path("benchmark").asText().replace("io.courier.bench.jmh.", "");
            line("| `%s` | %s | %.1f | %.1f | %s |", name, r.path("threads").asText("1"), r.path("score").asDouble(),
                    r.path("error").asDouble(), r.path("unit").asText());
        }
        line("");
        ratios("JMH ratios (the peer's time over Courier's: above 1.0, Courier is faster)", doc.path("ratios"));
    }

    private void section(String name, JsonNode s) {
        line("### %s", s.path("title").asText(name));
        line("");
        line("| mode | variant | round | per second | p50 µs | p99 µs | max µs | errors |");
        line("|---|---|---|---|---|---|---|---|");
        // The measurements come in the order they ran; number each variant's rounds, then group.
        Map<String, Integer> rounds = new LinkedHashMap<>();
        List<Object[]> rows = new ArrayList<>();
        for (JsonNode m : s.path("measurements")) {
            String mode = m.path("mode").asText();
            String variant = m.path("variant").asText();
            int round = rounds.merge(mode + " " + variant, 1, Integer::sum);
            rows.add(new Object[] {mode, variant, round, m});
        }
        rows.sort(Comparator.comparing((Object[] r) -> (String) r[0]).thenComparing(r -> (String) r[1])
                .thenComparing(r -> (Integer) r[2]));
        for (Object[] r : rows) {
            JsonNode m = (JsonNode) r[3];
            double seconds = m.path("seconds").asDouble();
            line("| %s | %s | %d | %.0f | %.0f | %.0f | %.0f | %d |", r[0], r[1], r[2],
                    seconds > 0 ? m.path("requests").asDouble() / seconds : 0, m.path("p50Micros").asDouble(),
                    m.path("p99Micros").asDouble(), m.path("maxMicros").asDouble(), m.path("errors").asLong());
        }
        line("");
        ratios("Ratios (Courier over the peer, medians of the rounds)", s.path("ratios"));
    }

    private void ratios(String title, JsonNode ratios) {
        if (ratios.isEmpty()) {
            return;
        }
        line("%s:", title);
        line("");
        ratios.fields().forEachRemaining(e -> line("- `ratio %s: %s`", e.getKey(), ratio(e.getValue().asDouble())));
        line("");
    }

    /** A ratio with two decimals, or three significant digits below 0.1 (so 0.004 does not print as 0.00). */
    public static String ratio(double v) {
        return Math.abs(v) >= 0.1 || v == 0 || Double.isNaN(v) ? String.format("%.2f", v) : String.format("%.3g", v);
    }

    private void line(String format, Object... args) {
        out.append(args.length == 0 ? format : String.format(format, args)).append('\n');
    }
}
