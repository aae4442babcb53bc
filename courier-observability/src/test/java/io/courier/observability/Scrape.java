package io.courier.observability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A Prometheus text scrape read into samples, for assertions on names, labels and values. */
record Scrape(List<Sample> samples) {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            Map<String, String> labels = new LinkedHashMap<>();
            String name;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                String body = line.substring(brace + 1, line.lastIndexOf('}'));
                // Label values in these tests hold no quotes or commas of their own.
                for (String pair : body.split(",")) {
                    if (!pair.isBlank()) {
                        int eq = pair.indexOf('=');
                        labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                    }
                }
            } else {
                name = line.substring(0, space);
            }
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return new Scrape(samples);
    }

    /** The values of the samples named {@code name} whose labels include {@code labels}. */
    List<Double> values(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .map(Sample::value).toList();
    }

    /** The one value of {@code name} with {@code labels}; fails when there is not exactly one. */
    double value(String name, Map<String, String> labels) {
        List<Double> v = values(name, labels);
        if (v.size() != 1) {
            throw new AssertionError(name + labels + ": " + v.size() + " samples (expected: 1) in\n" + this);
        }
        return v.get(0);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        samples.forEach(s -> b.append(s.name()).append(s.labels()).append(' ').append(s.value()).append('\n'));
        return b.toString();
    }
}
