package io.courier.console.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courier.discovery.ServiceInstance;
import io.courier.http.internal.prometheus.Samples;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the page shows, computed from the instances discovery lists and their recent scrapes:
 * nodes (services, and the channels messages ride), edges with rate, error rate and p99 over
 * the window, breakers, retry budgets, bulkheads, groups and dead letters. Metric names are
 * those {@code courier-observability} exports (docs/observability.md).
 */
final class StateBuilder {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** An instance as discovery lists it, with its scrapes. */
    record Seen(ServiceInstance instance, InstanceScrapes scrapes) {
        boolean up() {
            return instance.health() == ServiceInstance.Health.UP && scrapes != null && scrapes.failure() == null
                    && scrapes.ends()[1] != null;
        }
    }

    private final Map<String, List<Seen>> services;
    private final List<DeadLetterShelf.Shown> deadLetters;

    StateBuilder(Map<String, List<Seen>> services, List<DeadLetterShelf.Shown> deadLetters) {
        this.services = services;
        this.deadLetters = deadLetters;
    }

    ObjectNode build() {
        ObjectNode state = JSON.objectNode();
        // Which discovery service serves which contract service (or channel), from the servers' own meters.
        Map<String, Set<String>> servedBy = new HashMap<>();
        services.forEach((service, seen) -> seen.forEach(s -> newest(s).named("rpc_server_duration_seconds_count")
                .forEach(sample -> servedBy.computeIfAbsent(sample.label("rpc_service"), k -> new LinkedHashSet<>())
                        .add(service))));

        Map<String, ObjectNode> nodes = new LinkedHashMap<>();
        services.forEach((service, seen) -> nodes.put(service, serviceNode(service, seen)));

        Map<String, Edge> edges = new LinkedHashMap<>();
        ArrayNode breakers = JSON.arrayNode();
        ArrayNode budgets = JSON.arrayNode();
        ArrayNode bulkheads = JSON.arrayNode();
        ArrayNode groups = JSON.arrayNode();
        ArrayNode consumers = JSON.arrayNode();
        Set<String> scraped = new HashSet<>(); // an address listed twice (two registrations of one server) counts once
        services.forEach((service, seen) -> {
            for (Seen s : seen) {
                if (s.scrapes() == null || !scraped.add(s.scrapes().uri.toString())) {
                    continue;
                }
                Window w = window(s);
                clientEdges(service, w, servedBy, nodes, edges);
                serverEdges(service, w, edges, nodes);
                resilience(service, s, w, breakers, budgets, bulkheads);
                groups(service, s, w, groups);
                consumers(service, s, w, consumers);
            }
        });
        ArrayNode edgeArray = JSON.arrayNode();
        edges.values().forEach(e -> edgeArray.add(e.json()));
        ArrayNode nodeArray = JSON.arrayNode();
        nodes.values().forEach(nodeArray::add);
        state.set("nodes", nodeArray);
        state.set("edges", edgeArray);
        state.set("breakers", breakers);
        state.set("retryBudgets", budgets);
        state.set("bulkheads", bulkheads);
        state.set("groups", groups);
        state.set("consumers", consumers);
        ArrayNode letters = JSON.arrayNode();
        for (DeadLetterShelf.Shown d : deadLetters) {
            letters.addObject().put("id", d.id()).put("channel", d.channel()).put("group", d.group())
                    .put("reason", d.reason()).put("attempts", d.attempts()).put("key", d.key())
                    .put("received", d.received().toString()).put("payload", d.payload());
        }
        state.set("deadLetters", letters);
        return state;
    }

    private static ObjectNode serviceNode(String service, List<Seen> seen) {
        ObjectNode node = JSON.objectNode().put("id", service).put("kind", "service");
        ArrayNode instances = node.putArray("instances");
        boolean allUp = !seen.isEmpty();
        for (Seen s : seen) {
            boolean up = s.up();
            allUp &= up;
            ObjectNode i = instances.addObject().put("id", s.instance().id()).put("up", up)
                    .put("health", s.instance().health().name());
            if (s.scrapes() != null) {
                i.put("uri", s.scrapes().uri.toString());
                if (s.scrapes().failure() != null) {
                    i.put("problem", s.scrapes().failure());
                }
            } else {
                i.put("problem", "no http:// address to scrape");
            }
        }
        return node.put("up", allUp);
    }

    private static void clientEdges(String service, Window w, Map<String, Set<String>> servedBy,
                                    Map<String, ObjectNode> nodes, Map<String, Edge> edges) {
        for (Samples.Sample c : w.newest.named("rpc_client_duration_seconds_count")) {
            String target = c.label("rpc_service");
            String style = style(c.label("rpc_system"), c.label("rpc_method"));
            boolean message = c.label("rpc_system").equals("message");
            List<String> to = new ArrayList<>();
            if (message && (style.equals("event") || style.equals("scatter-gather"))) {
                nodes.computeIfAbsent(target, t -> JSON.objectNode().put("id", t).put("kind", "channel").put("up", true));
                to.add(target);
            } else {
                Set<String> servers = servedBy.getOrDefault(target, Set.of());
                if (servers.isEmpty()) {
                    nodes.computeIfAbsent(target, t -> JSON.objectNode().put("id", t).put("kind", "external").put("up", true));
                    to.add(target);
                } else {
                    to.addAll(servers);
                }
            }
            for (String t : to) {
                edges.computeIfAbsent(service + "->" + t + ":" + style, k -> new Edge(service, t, style))
                        .add(w, "rpc_client_duration_seconds", c);
            }
        }
    }

    /** Messages handled: from the channel node to the service that handles them. */
    private static void serverEdges(String service, Window w, Map<String, Edge> edges, Map<String, ObjectNode> nodes) {
        for (Samples.Sample c : w.newest.named("rpc_server_duration_seconds_count")) {
            if (!c.label("rpc_system").equals("message")) {
                continue; // REST, gRPC and commands are drawn from the caller's side
            }
            String method = c.label("rpc_method");
            String style = method.equals("handle") ? "event" : method.equals("respond") ? "scatter-gather" : null;
            if (style == null) {
                continue;
            }
            String channel = c.label("rpc_service");
            nodes.computeIfAbsent(channel, t -> JSON.objectNode().put("id", t).put("kind", "channel").put("up", true));
            edges.computeIfAbsent(channel + "->" + service + ":" + style, k -> new Edge(channel, service, style))
                    .add(w, "rpc_server_duration_seconds", c);
        }
    }

    private static void resilience(String service, Seen s, Window w, ArrayNode breakers, ArrayNode budgets,
                                   ArrayNode bulkheads) {
        Map<String, ObjectNode> byEndpoint = new TreeMap<>();
        for (Samples.Sample b : w.newest.named("courier_breaker_state")) {
            String key = b.label("courier_client") + " " + b.label("server_address");
            ObjectNode row = byEndpoint.computeIfAbsent(key, k -> JSON.objectNode().put("service", service)
                    .put("instance", s.instance().id()).put("client", b.label("courier_client"))
                    .put("endpoint", b.label("server_address")).put("transitions", 0));
            if (b.value() == 1) {
                row.put("state", b.label("state"));
            }
        }
        for (Samples.Sample t : w.newest.named("courier_breaker_transitions_total")) {
            ObjectNode row = byEndpoint.get(t.label("courier_client") + " " + t.label("server_address"));
            if (row != null) {
                row.put("transitions", row.get("transitions").asLong() + (long) t.value());
                if (t.label("to").equals("open")) {
                    row.put("opened", row.path("opened").asLong() + (long) t.value());
                }
            }
        }
        byEndpoint.values().forEach(breakers::add);
        for (Samples.Sample r : w.newest.named("courier_retry_budget_remaining")) {
            String client = r.label("courier_client");
            budgets.addObject().put("service", service).put("instance", s.instance().id()).put("client", client)
                    .put("remaining", r.value())
                    .put("requests", w.newestValue("courier_retry_budget_requests", "courier_client", client))
                    .put("retries", w.newestValue("courier_retry_budget_retries", "courier_client", client));
        }
        for (Samples.Sample b : w.newest.named("courier_bulkhead_in_flight")) {
            String name = b.label("courier_bulkhead");
            bulkheads.addObject().put("service", service).put("instance", s.instance().id()).put("bulkhead", name)
                    .put("inFlight", b.value()).put("limit", w.newestValue("courier_bulkhead_limit", "courier_bulkhead", name));
        }
    }

    private static void groups(String service, Seen s, Window w, ArrayNode groups) {
        for (Samples.Sample c : w.newest.named("messaging_process_age_seconds_count")) {
            String channel = c.label("messaging_destination_name");
            String group = c.label("messaging_consumer_group_name");
            groups.addObject().put("service", service).put("instance", s.instance().id()).put("channel", channel)
                    .put("group", group).put("handled", c.value()).put("rate", w.rate(c))
                    .put("maxAgeMs", 1000 * w.newestValue("messaging_process_age_seconds_max",
                            "messaging_destination_name", channel, "messaging_consumer_group_name", group));
            double lag = lag(w.newest, channel, group);
            if (!Double.isNaN(lag)) {
                ((ObjectNode) groups.get(groups.size() - 1)).put("lag", lag);
            }
        }
    }

    /**
     * A group's lag: the broker's figure for the whole group ({@code bindConsumerLag}), else the
     * sum of its partitions' ({@code bindPartitionLag}, which RabbitMQ groups have too); NaN when
     * neither is exported.
     */
    static double lag(Samples samples, String channel, String group) {
        for (Samples.Sample lag : samples.named("messaging_consumer_lag")) {
            if (lag.label("messaging_destination_name").equals(channel)
                    && lag.label("messaging_consumer_group_name").equals(group) && !Double.isNaN(lag.value())) {
                return lag.value();
            }
        }
        double sum = Double.NaN;
        for (Samples.Sample lag : samples.named("messaging_consumer_partition_lag")) {
            if (lag.label("messaging_destination_name").equals(channel)
                    && lag.label("messaging_consumer_group_name").equals(group) && !Double.isNaN(lag.value())) {
                sum = (Double.isNaN(sum) ? 0 : sum) + lag.value();
            }
        }
        return sum;
    }

    /** Per Messaging of an instance: keys parked for a retry, dead letters by reason, duplicates, expired. */
    private static void consumers(String service, Seen s, Window w, ArrayNode consumers) {
        for (Samples.Sample p : w.newest.named("messaging_parked_keys")) {
            String name = p.label("courier_messaging");
            consumers.addObject().put("service", service).put("instance", s.instance().id()).put("messaging", name)
                    .put("parkedKeys", p.value())
                    .put("deadLettersPoison", w.newestSum("messaging_dead_letters_total", "courier_messaging", name,
                            "reason", "poison"))
                    .put("deadLettersRetries", w.newestSum("messaging_dead_letters_total", "courier_messaging", name,
                            "reason", "retries_exhausted"))
                    .put("duplicates", w.newestValue("messaging_duplicates_skipped_total", "courier_messaging", name))
                    .put("expired", w.newestValue("messaging_expired_dropped_total", "courier_messaging", name));
        }
    }

    static String style(String system, String method) {
        return switch (system) {
            case "rest" -> "REST";
            case "grpc" -> "gRPC";
            case "message" -> switch (method) {
                case "publish", "handle" -> "event";
                case "scatter", "respond" -> "scatter-gather";
                default -> "command";
            };
            default -> system;
        };
    }

    private static Samples newest(Seen s) {
        if (s.scrapes() == null) {
            return Samples.NONE;
        }
        InstanceScrapes.Scrape newest = s.scrapes().ends()[1];
        return newest == null ? Samples.NONE : newest.samples();
    }

    private static Window window(Seen s) {
        if (s.scrapes() == null) {
            return new Window(Samples.NONE, Samples.NONE, 0);
        }
        InstanceScrapes.Scrape[] ends = s.scrapes().ends();
        if (ends[1] == null) {
            return new Window(Samples.NONE, Samples.NONE, 0);
        }
        return new Window(ends[0].samples(), ends[1].samples(), (ends[1].atNanos() - ends[0].atNanos()) / 1e9);
    }

    /** The oldest and newest scrape of an instance in the window, and the seconds between them. */
    static final class Window {
        final Samples newest;
        final double seconds;
        private final Map<String, Double> oldest = new HashMap<>();

        Window(Samples oldest, Samples newest, double seconds) {
            this.newest = newest;
            this.seconds = seconds;
            if (oldest != newest) {
                oldest.all().forEach(s -> this.oldest.put(key(s), s.value()));
            }
        }

        /** How much a counter grew over the window; a counter that went down (a restart) counts from zero. */
        double delta(Samples.Sample s) {
            if (seconds <= 0) {
                return 0;
            }
            Double before = oldest.get(key(s));
            double d = s.value() - (before == null ? 0 : before);
            return d < 0 ? s.value() : d;
        }

        double rate(Samples.Sample s) {
            return seconds <= 0 ? 0 : delta(s) / seconds;
        }

        double newestValue(String name, String... labels) {
            for (Samples.Sample s : newest.named(name)) {
                if (matches(s, labels)) {
                    return s.value();
                }
            }
            return 0;
        }

        /** The sum of the newest samples of {@code name} with these labels, whatever their others. */
        double newestSum(String name, String... labels) {
            double sum = 0;
            for (Samples.Sample s : newest.named(name)) {
                if (matches(s, labels)) {
                    sum += s.value();
                }
            }
            return sum;
        }

        private static boolean matches(Samples.Sample s, String... labels) {
            for (int i = 0; i < labels.length; i += 2) {
                if (!s.label(labels[i]).equals(labels[i + 1])) {
                    return false;
                }
            }
            return true;
        }

        private static String key(Samples.Sample s) {
            return s.name() + new TreeMap<>(s.labels());
        }
    }

    /** One drawn edge: counts, errors and latency buckets summed over methods, statuses and instances. */
    private static final class Edge {
        final String from;
        final String to;
        final String style;
        double total;
        double delta;
        double errors;
        double seconds;
        final TreeMap<Double, Double> buckets = new TreeMap<>();

        Edge(String from, String to, String style) {
            this.from = from;
            this.to = to;
            this.style = style;
        }

        void add(Window w, String timer, Samples.Sample count) {
            total += count.value();
            double d = w.delta(count);
            delta += d;
            if (!count.label("rpc_response_status_code").equals("OK")) {
                errors += d;
            }
            seconds = Math.max(seconds, w.seconds);
            for (Samples.Sample b : w.newest.named(timer + "_bucket")) {
                if (sameSeries(b, count)) {
                    double le = b.label("le").equals("+Inf") ? Double.POSITIVE_INFINITY : parse(b.label("le"));
                    if (!Double.isNaN(le)) {
                        buckets.merge(le, w.delta(b), Double::sum);
                    }
                }
            }
        }

        private static boolean sameSeries(Samples.Sample bucket, Samples.Sample count) {
            for (var e : count.labels().entrySet()) {
                if (!e.getValue().equals(bucket.labels().get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        private static double parse(String le) {
            try {
                return Double.parseDouble(le);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        ObjectNode json() {
            ObjectNode e = JSON.objectNode().put("from", from).put("to", to).put("style", style).put("total", total)
                    .put("rate", seconds > 0 ? delta / seconds : 0).put("errorRate", delta > 0 ? errors / delta : 0);
            double p99 = p99();
            if (!Double.isNaN(p99)) {
                e.put("p99Ms", p99 * 1000);
            }
            return e;
        }

        /** The upper bound of the bucket holding the 99th percentile of the window's calls; NaN without calls. */
        private double p99() {
            Double all = buckets.get(Double.POSITIVE_INFINITY);
            if (all == null || all <= 0) {
                return Double.NaN;
            }
            double rank = 0.99 * all;
            double lastFinite = Double.NaN;
            for (var b : buckets.entrySet()) {
                if (b.getValue() >= rank) {
                    return b.getKey().isInfinite() ? lastFinite : b.getKey();
                }
                lastFinite = b.getKey();
            }
            return lastFinite;
        }
    }
}
