package io.courier.console.internal;

import io.courier.discovery.ServiceInstance;
import io.courier.discovery.ServiceResolver;
import io.courier.discovery.ServiceView;
import io.courier.http.internal.prometheus.Samples;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads what discovery lists for each watched service and scrapes every instance's
 * {@code /metrics}, all instances at once, each within a deadline; keeps each instance's
 * scrapes over the window. One round at a time.
 */
final class Scraper implements AutoCloseable {
    /** The largest scrape read; a larger one counts as a failed scrape. */
    static final int MAX_SCRAPE = 8 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final Map<String, ServiceView> views = new LinkedHashMap<>();
    private final Map<String, InstanceScrapes> scrapes = new ConcurrentHashMap<>();
    private final Map<String, ServiceInstance> lastListed = new ConcurrentHashMap<>();
    private final Map<String, Gone> gone = new LinkedHashMap<>();
    private final long windowNanos;
    private final HttpClient http;

    Scraper(ServiceResolver discovery, List<String> services, Duration window) {
        services.forEach(s -> views.put(s, ServiceView.watch(discovery, s)));
        this.windowNanos = window.toNanos();
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** Scrapes every instance once; what each service has, in the order of the watched services. */
    Map<String, List<StateBuilder.Seen>> round() {
        Map<String, List<StateBuilder.Seen>> seen = new LinkedHashMap<>();
        Map<String, InstanceScrapes> live = new HashMap<>();
        List<Future<?>> pending = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            views.forEach((service, view) -> {
                List<StateBuilder.Seen> list = new ArrayList<>();
                for (ServiceInstance i : view.instances()) {
                    Optional<URI> uri = i.uris().stream().filter(u -> "http".equals(u.getScheme())).findFirst();
                    InstanceScrapes s = null;
                    if (uri.isPresent()) {
                        String key = service + " " + i.id() + " " + uri.get();
                        s = scrapes.getOrDefault(key, new InstanceScrapes(service, i.id(), uri.get()));
                        live.put(key, s);
                        lastListed.put(key, i);
                        InstanceScrapes target = s;
                        pending.add(pool.submit(() -> scrape(target)));
                    }
                    list.add(new StateBuilder.Seen(i, s));
                }
                seen.put(service, list);
            });
        }
        // An instance that left discovery stays drawn, down, for a window: a stopped instance shows.
        long now = System.nanoTime();
        for (var e : scrapes.entrySet()) {
            if (!live.containsKey(e.getKey()) && !gone.containsKey(e.getKey())) {
                e.getValue().failed("left discovery");
                gone.put(e.getKey(), new Gone(lastListed.get(e.getKey()), e.getValue(), now));
            }
        }
        gone.keySet().removeAll(live.keySet()); // back again
        gone.values().removeIf(g -> now - g.since() > windowNanos);
        lastListed.keySet().removeIf(k -> !live.containsKey(k) && !gone.containsKey(k));
        for (Gone g : gone.values()) {
            seen.computeIfAbsent(g.scrapes().service, k -> new ArrayList<>())
                    .add(new StateBuilder.Seen(g.instance().withHealth(ServiceInstance.Health.DOWN), g.scrapes()));
        }
        scrapes.keySet().retainAll(live.keySet());
        scrapes.putAll(live);
        return seen;
    }

    private record Gone(ServiceInstance instance, InstanceScrapes scrapes, long since) {
    }

    /** The base URI of an instance of {@code service} that answered its last scrape. */
    Optional<URI> anyUp(String service) {
        return scrapes.values().stream().filter(s -> s.service.equals(service) && s.failure() == null
                && s.ends()[1] != null).map(s -> s.uri).findFirst();
    }

    private void scrape(InstanceScrapes s) {
        HttpRequest request = HttpRequest.newBuilder(s.uri.resolve("/metrics")).timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    s.failed("/metrics answered " + r.statusCode());
                    return;
                }
                byte[] body = in.readNBytes(MAX_SCRAPE + 1);
                if (body.length > MAX_SCRAPE) {
                    s.failed("/metrics is over " + MAX_SCRAPE + " bytes");
                    return;
                }
                s.add(new InstanceScrapes.Scrape(System.nanoTime(),
                        Samples.parse(new String(body, StandardCharsets.UTF_8))), windowNanos);
            }
        } catch (IOException e) {
            s.failed("scrape failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        views.values().forEach(ServiceView::close);
        http.close();
    }
}
