package io.courier.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoint breakers of a running service, read from its Prometheus scrape: each
 * {@code courier_breaker_state} series (one per client, endpoint and state, 1 for the state the
 * breaker is in) that CourierMetrics exports for a bound {@code CircuitBreakers}.
 */
final class BreakerStates {
    /** One endpoint's breaker of one client. */
    record Breaker(String client, String endpoint, String state) {
    }

    private static final String SERIES = "courier_breaker_state{";
    private static final int MAX_BODY = 16 << 20;

    private BreakerStates() {
    }

    /** The scrape URI of {@code target}: its {@code /metrics} when it names no path. */
    static URI scrapeUri(String target) {
        URI uri = URI.create(target);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("--breakers " + target + " (expected: the service's URL, e.g. http://127.0.0.1:8080)");
        }
        String path = uri.getPath();
        return path == null || path.isEmpty() || path.equals("/") ? uri.resolve("/metrics") : uri;
    }

    /** Fetches the scrape of {@code scrape} and reads its breakers. */
    static List<Breaker> fetch(URI scrape, Duration patience) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(patience).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(scrape).timeout(patience).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException(scrape + " answered " + r.statusCode() + " (expected: 200 and the Prometheus text format)");
            }
            if (r.body().length() > MAX_BODY) {
                throw new IOException(scrape + ": the scrape is larger than " + (MAX_BODY >> 20) + " MiB");
            }
            return parse(r.body());
        }
    }

    /** The breakers in a scrape, in the order their endpoints first appear; the state with value 1 for each. */
    static List<Breaker> parse(String scrape) {
        Map<String, Breaker> byEndpoint = new LinkedHashMap<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(SERIES)) {
                continue;
            }
            int close = line.lastIndexOf('}');
            if (close < 0) {
                continue;
            }
            Map<String, String> labels = labels(line.substring(SERIES.length(), close));
            String value = line.substring(close + 1).trim().split(" ")[0];
            String client = labels.getOrDefault("courier_client", "?");
            String endpoint = labels.getOrDefault("server_address", "?");
            String key = client + " " + endpoint;
            byEndpoint.putIfAbsent(key, new Breaker(client, endpoint, "?"));
            if (isOne(value)) {
                byEndpoint.put(key, new Breaker(client, endpoint, labels.getOrDefault("state", "?")));
            }
        }
        return new ArrayList<>(byEndpoint.values());
    }

    private static boolean isOne(String value) {
        try {
            return Double.parseDouble(value) == 1.0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** {@code a="x",b="y \"q\""} as a map, the text format's escapes undone. */
    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0 || eq + 1 >= text.length() || text.charAt(eq + 1) != '"') {
                break;
            }
            String name = text.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < text.length() && text.charAt(j) != '"'; j++) {
                char c = text.charAt(j);
                if (c == '\\' && j + 1 < text.length()) {
                    char next = text.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            labels.put(name, value.toString());
            i = j + 1;
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
        return labels;
    }
}
