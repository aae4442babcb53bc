package io.courier.http.internal.prometheus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of one Prometheus scrape (text format 0.0.4), read leniently: a line that does
 * not parse is skipped, never fatal, since a reader (the console, {@code courier instances
 * --breakers}) must keep showing what it can. The caller bounds the text's size. Exported to
 * Courier's own modules only.
 */
public record Samples(List<Sample> all) {
    /** One sample: a metric name, its labels, its value. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public String label(String key) {
            return labels.getOrDefault(key, "");
        }
    }

    public static final Samples NONE = new Samples(List.of());

    /** The samples of {@code text}. */
    public static Samples parse(String text) {
        List<Sample> samples = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            Sample s = line(text, start, end);
            if (s != null) {
                samples.add(s);
            }
            start = end + 1;
        }
        return new Samples(Collections.unmodifiableList(samples));
    }

    /** The samples named {@code name}. */
    public List<Sample> named(String name) {
        return all.stream().filter(s -> s.name.equals(name)).toList();
    }

    private static Sample line(String text, int start, int end) {
        while (start < end && text.charAt(start) == ' ') {
            start++;
        }
        if (start >= end || text.charAt(start) == '#') {
            return null;
        }
        int i = start;
        while (i < end && text.charAt(i) != '{' && text.charAt(i) != ' ') {
            i++;
        }
        String name = text.substring(start, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < end && text.charAt(i) == '{') {
            i++;
            while (i < end && text.charAt(i) != '}') {
                int eq = text.indexOf('=', i, end); // within the line: else quadratic over a scrape of broken lines
                if (eq < 0 || eq + 1 >= end || text.charAt(eq + 1) != '"') {
                    return null;
                }
                String key = text.substring(i, eq).trim();
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; j < end && text.charAt(j) != '"'; j++) {
                    char c = text.charAt(j);
                    if (c == '\\' && j + 1 < end) {
                        char n = text.charAt(++j);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                }
                if (j >= end) {
                    return null;
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (i < end && text.charAt(i) == ',') {
                    i++;
                }
            }
            i++; // the closing brace
        }
        String rest = text.substring(Math.min(i, end), end).trim();
        int space = rest.indexOf(' ');
        String number = space < 0 ? rest : rest.substring(0, space);
        if (name.isEmpty() || number.isEmpty()) {
            return null; // without the cost of a NumberFormatException per broken line
        }
        double value;
        try {
            value = switch (number) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(number);
            };
        } catch (NumberFormatException e) {
            return null;
        }
        return name.isEmpty() ? null : new Sample(name, Collections.unmodifiableMap(labels), value);
    }
}
