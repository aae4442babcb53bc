package io.courier.cli;

import io.courier.http.internal.prometheus.Samples;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

    private static final String SERIES = "courier_breaker_state";
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

    /**
     * Fetches the scrape of {@code scrape} and reads its breakers: at most {@link #MAX_BODY}
     * bytes, all within {@code patience}.
     */
    static List<Breaker> fetch(URI scrape, Duration patience) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(patience).build();
        try {
            HttpResponse<byte[]> r = BoundedAnswer.send(http, HttpRequest.newBuilder(scrape).timeout(patience).GET().build(),
                    MAX_BODY, patience);
            if (r.statusCode() != 200) {
                throw new IOException(scrape + " answered " + r.statusCode() + " (expected: 200 and the Prometheus text format)");
            }
            return parse(new String(r.body(), StandardCharsets.UTF_8));
        } finally {
            http.shutdownNow(); // a scrape given up on may still hold its connection
        }
    }

    /** The breakers in a scrape, in the order their endpoints first appear; the state with value 1 for each. */
    static List<Breaker> parse(String scrape) {
        Map<String, Breaker> byEndpoint = new LinkedHashMap<>();
        // Line by line, only the breaker series: the scrape's other samples are never all held at once.
        scrape.lines().filter(l -> l.stripLeading().startsWith(SERIES))
                .flatMap(l -> Samples.parse(l).named(SERIES).stream()).forEach(s -> {
            String client = s.labels().getOrDefault("courier_client", "?");
            String endpoint = s.labels().getOrDefault("server_address", "?");
            String key = client + " " + endpoint;
            byEndpoint.putIfAbsent(key, new Breaker(client, endpoint, "?"));
            if (s.value() == 1.0) {
                byEndpoint.put(key, new Breaker(client, endpoint, s.labels().getOrDefault("state", "?")));
            }
        });
        return new ArrayList<>(byEndpoint.values());
    }
}
