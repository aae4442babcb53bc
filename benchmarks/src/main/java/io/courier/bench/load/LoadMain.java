package io.courier.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.courier.Courier;
import io.courier.bench.Report;
import io.courier.bench.Targets;
import io.courier.grpc.GrpcTransportFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
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
import java.util.function.ToDoubleFunction;

/**
 * The load harness: {@code LoadMain <scenario>|all}. Each paired scenario runs Courier and its
 * peer in the same invocation, alternating A/B rounds, each server in its own JVM, and ends with
 * {@code ratio <name>: <courier/peer>} lines. Results go to {@code benchmarks/results/} as JSON.
 */
public final class LoadMain {
    private static final double WARMUP = Double.parseDouble(System.getProperty("bench.warmup", "4"));
    private static final double SECONDS = Double.parseDouble(System.getProperty("bench.seconds", "8"));
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    private static final int IN_FLIGHT = 64;
    // One request in flight: latency without queueing, against the raw TCP floor's in the same run.
    private static final int SINGLE = 1;
    private static final int RATE = Integer.getInteger("bench.rate", 2000);
    private static final int GRPC_CONNECTIONS = Integer.getInteger("bench.grpc.connections", 2);
    /** The load average when this JVM started, before any scenario ran: how busy the machine was. */
    private static final String LOAD_AT_START = loadAverage();

    private final List<Measurement> all = new ArrayList<>();
    private final Map<String, Double> ratios = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    private String current = "";

    private LoadMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        String scenario = args.length > 0 ? args[0] : "all";
        LoadMain harness = new LoadMain();
        switch (scenario) {
            case "rest" -> harness.rest();
            case "rest-client" -> harness.restClient();
            case "floor" -> harness.floor();
            case "grpc" -> harness.grpc();
            case "messaging" -> harness.messaging();
            case "rabbitmq" -> harness.rabbitmq();
            case "kafka" -> harness.kafka();
            case "outbox" -> harness.outbox();
            case "observability" -> harness.observability();
            case "all" -> {
                harness.floor();
                harness.rest();
                harness.grpc();
                harness.messaging();
                harness.vsFloor();
            }
            default -> {
                System.err.println("unknown scenario: " + scenario + " (expected: rest, rest-client, floor, grpc, messaging, rabbitmq, kafka, outbox, observability or all)");
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
        current = "rest";
        List<String> variants = System.getProperty("bench.spring.cp") == null
                ? List.of("courier-rest", "courier-rest-nonblocking", "vertx-rest")
                : List.of("courier-rest", "courier-rest-nonblocking", "vertx-rest", "spring-rest");
        List<String> singleVariants = List.of("courier-rest", "courier-rest-nonblocking", "vertx-rest");
        List<Measurement> closed = new ArrayList<>();
        List<Measurement> open = new ArrayList<>();
        List<Measurement> single = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            floorAtOne("rest", round, single);
            for (String variant : round % 2 == 0 ? variants : variants.reversed()) {
                try (ServerProcess server = ServerProcess.start(variant); HttpLoad load = new HttpLoad(server.port(), IN_FLIGHT)) {
                    progress("rest", variant, round, "closed loop, " + IN_FLIGHT + " in flight");
                    closed.add(record(load.closedLoop(variant, IN_FLIGHT, WARMUP, SECONDS)));
                    progress("rest", variant, round, "open loop, " + RATE + " req/s");
                    open.add(record(load.openLoop(variant, RATE, WARMUP, SECONDS)));
                    if (singleVariants.contains(variant)) {
                        progress("rest", variant, round, "closed loop, " + SINGLE + " in flight");
                        single.add(record(load.closedLoop(variant, SINGLE, WARMUP, SECONDS)));
                    }
                }
            }
        }
        table("rest: JSON echo, ~100 bytes, HTTP/1.1", closed, concat(open, single));
        ratio("rest-throughput-vs-vertx", median(closed, "courier-rest", Measurement::throughput)
                / median(closed, "vertx-rest", Measurement::throughput));
        ratio("rest-p99-at-" + RATE + "-vs-vertx", median(open, "courier-rest", Measurement::p99Micros)
                / median(open, "vertx-rest", Measurement::p99Micros));
        ratio("rest-nonblocking-throughput-vs-vertx", median(closed, "courier-rest-nonblocking", Measurement::throughput)
                / median(closed, "vertx-rest", Measurement::throughput));
        ratio("rest-nonblocking-p99-at-" + RATE + "-vs-vertx", median(open, "courier-rest-nonblocking",
                Measurement::p99Micros) / median(open, "vertx-rest", Measurement::p99Micros));
        if (variants.contains("spring-rest")) {
            ratio("rest-throughput-vs-spring", median(closed, "courier-rest", Measurement::throughput)
                    / median(closed, "spring-rest", Measurement::throughput));
            ratio("rest-p99-at-" + RATE + "-vs-spring", median(open, "courier-rest", Measurement::p99Micros)
                    / median(open, "spring-rest", Measurement::p99Micros));
        }
        singleVsFloor(single, Map.of("courier-rest", "rest", "courier-rest-nonblocking", "rest-nonblocking",
                "vertx-rest", "vertx-rest"));
        restClient();
    }

    /**
     * Courier's REST client (a future-returning method, and the blocking method on 64 virtual
     * threads; HTTP/1.1 and h2c) against Vert.x's own HttpClient (HTTP/1.1 pooled, HTTP/2), all
     * calling the same plain Vert.x server, which answers on its event loop.
     */
    private void restClient() throws Exception {
        current = "rest-client";
        // -Dbench.restClient.variants=a,b runs only those (for an A/B of one client); ratios need both sides.
        List<String> variants = List.of(System.getProperty("bench.restClient.variants", "courier-rest-client,"
                + "courier-rest-client-h2c,courier-rest-client-blocking,courier-rest-client-blocking-h2c,vertx-client,"
                + "vertx-client-h2").split(","));
        List<Measurement> closed = new ArrayList<>();
        List<Measurement> open = new ArrayList<>();
        // Unrecorded, as for Kafka: the first run of a client in this JVM is slower (Courier's went
        // first and measured a few thousand calls a second in its first round).
        progress("rest-client", "warm-up", 0, "every client, " + WARMUP + " s each, not recorded");
        try (ServerProcess server = ServerProcess.start("vertx-rest")) {
            for (String variant : variants) {
                try (RestClients client = RestClients.open(variant, server.port(),
                        variant.endsWith("-h2") ? GRPC_CONNECTIONS : IN_FLIGHT)) {
                    if (variant.contains("-blocking")) {
                        AsyncLoad.closedLoopBlocking(variant, client.blocking(), IN_FLIGHT, 0, WARMUP);
                    } else {
                        AsyncLoad.closedLoop(variant, client.sender(), IN_FLIGHT, 0, WARMUP);
                    }
                }
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            try (ServerProcess server = ServerProcess.start("vertx-rest")) {
                for (String variant : round % 2 == 0 ? variants : variants.reversed()) {
                    int connections = variant.endsWith("-h2") ? GRPC_CONNECTIONS : IN_FLIGHT;
                    try (RestClients client = RestClients.open(variant, server.port(), connections)) {
                        if (variant.contains("-blocking")) {
                            // The blocking call on virtual threads; closed loop only (the open loop is the async one's).
                            progress("rest-client", variant, round, "closed loop, " + IN_FLIGHT + " virtual threads");
                            closed.add(record(AsyncLoad.closedLoopBlocking(variant, client.blocking(), IN_FLIGHT,
                                    WARMUP, SECONDS)));
                        } else {
                            measure("rest-client", variant, round, client.sender(), closed, open);
                        }
                    }
                }
            }
        }
        table("rest-client: JSON echo, ~100 bytes, to plain Vert.x's server (HTTP/1.1 and h2c)", closed, open);
        for (String[] pair : new String[][] {{"courier-rest-client", "rest-client", "vertx-client"},
                {"courier-rest-client-blocking", "rest-client-blocking", "vertx-client"},
                {"courier-rest-client-h2c", "rest-client-h2c", "vertx-client-h2"},
                {"courier-rest-client-blocking-h2c", "rest-client-blocking-h2c", "vertx-client-h2"}}) {
            ratio(pair[1] + "-throughput-vs-" + pair[2], median(closed, pair[0], Measurement::throughput)
                    / median(closed, pair[2], Measurement::throughput));
            if (!pair[0].contains("-blocking")) {
                ratio(pair[1] + "-p99-at-" + RATE + "-vs-" + pair[2], median(open, pair[0], Measurement::p99Micros)
                        / median(open, pair[2], Measurement::p99Micros));
            }
        }
    }

    /** The raw TCP floor at one request in flight, measured within a scenario so that its ratios compare one run. */
    private void floorAtOne(String scenario, int round, List<Measurement> single) throws Exception {
        try (ServerProcess server = ServerProcess.start("tcp-echo"); TcpLoad load = new TcpLoad(server.port())) {
            progress(scenario, "tcp-echo", round, "closed loop, " + SINGLE + " connection");
            single.add(record(load.closedLoop("tcp-echo", SINGLE, WARMUP, SECONDS)));
        }
    }

    /** p50 and p99 at one request in flight over the TCP floor's: {@code <prefix>-p50-c1-vs-tcp-floor}. */
    private void singleVsFloor(List<Measurement> single, Map<String, String> prefixes) {
        double p50 = median(single, "tcp-echo", Measurement::p50Micros);
        double p99 = median(single, "tcp-echo", Measurement::p99Micros);
        prefixes.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
            ratio(e.getValue() + "-p50-c1-vs-tcp-floor", median(single, e.getKey(), Measurement::p50Micros) / p50);
            ratio(e.getValue() + "-p99-c1-vs-tcp-floor", median(single, e.getKey(), Measurement::p99Micros) / p99);
        });
    }

    private static List<Measurement> concat(List<Measurement> a, List<Measurement> b) {
        List<Measurement> both = new ArrayList<>(a);
        both.addAll(b);
        return both;
    }

    /** Raw TCP ping-pong on loopback: how close each protocol is to the wire. */
    private void floor() throws Exception {
        current = "floor";
        List<Measurement> closed = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            try (ServerProcess server = ServerProcess.start("tcp-echo"); TcpLoad load = new TcpLoad(server.port())) {
                progress("floor", "tcp-echo", round, "closed loop, " + IN_FLIGHT + " connections");
                closed.add(record(load.closedLoop("tcp-echo", IN_FLIGHT, WARMUP, SECONDS)));
                progress("floor", "tcp-echo", round, "closed loop, " + SINGLE + " connection");
                closed.add(record(load.closedLoop("tcp-echo", SINGLE, WARMUP, SECONDS)));
            }
        }
        table("floor: raw TCP ping-pong, 100 bytes", closed, List.of());
    }

    /**
     * Unary gRPC, ~100-byte message: the Courier server (its blocking method on a virtual thread,
     * and its future-returning method in place) against stock grpc-java with
     * {@code directExecutor()} (the best known configuration, the target) and with its default
     * executor (what users get out of the box), all called by the same grpc-java client. Then the
     * client side: Courier's gRPC client against grpc-java's, both calling grpc-java's server.
     */
    private void grpc() throws Exception {
        current = "grpc";
        // Beside the peers, the decomposition: the bare engine under Courier (Vert.x gRPC with a
        // hand-written handler), that engine's HTTP/2 alone, and grpc-java with handlers on virtual
        // threads, as Courier runs a blocking-style method. Courier / vertx-grpc is Courier's own path.
        List<String> variants = List.of("courier-grpc", "courier-grpc-async", "grpc-java-direct", "grpc-java-default",
                "vertx-grpc", "vertx-h2c", "grpc-java-virtual");
        List<String> singleVariants = List.of("courier-grpc", "courier-grpc-async", "grpc-java-direct", "vertx-grpc");
        List<Measurement> closed = new ArrayList<>();
        List<Measurement> open = new ArrayList<>();
        List<Measurement> single = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            floorAtOne("grpc", round, single);
            for (String variant : round % 2 == 0 ? variants : variants.reversed()) {
                String kind = variant.startsWith("courier") ? "courier-grpc" : variant;
                String rpc = variant.equals("courier-grpc-async") ? "EchoAsync" : "Echo";
                try (ServerProcess server = ServerProcess.start(kind);
                     GrpcLoad load = new GrpcLoad(server.port(), GRPC_CONNECTIONS)) {
                    progress("grpc", variant, round, "closed loop, " + IN_FLIGHT + " in flight");
                    closed.add(record(AsyncLoad.closedLoop(variant, load.sender(rpc), IN_FLIGHT, WARMUP, SECONDS)));
                    progress("grpc", variant, round, "open loop, " + RATE + " req/s");
                    open.add(record(AsyncLoad.openLoop(variant, load.sender(rpc), RATE, WARMUP, SECONDS)));
                    if (singleVariants.contains(variant)) {
                        progress("grpc", variant, round, "closed loop, " + SINGLE + " in flight");
                        single.add(record(AsyncLoad.closedLoop(variant, load.sender(rpc), SINGLE, WARMUP, SECONDS)));
                    }
                }
            }
        }
        table("grpc: unary, ~100-byte message, grpc-java client (directExecutor, " + GRPC_CONNECTIONS
                + " connections)", closed, concat(open, single));
        singleVsFloor(single, Map.of("courier-grpc", "grpc", "courier-grpc-async", "grpc-async",
                "grpc-java-direct", "grpc-java-direct", "vertx-grpc", "vertx-grpc"));
        for (String peer : List.of("grpc-java-direct", "grpc-java-default")) {
            ratio("grpc-throughput-vs-" + peer, median(closed, "courier-grpc", Measurement::throughput)
                    / median(closed, peer, Measurement::throughput));
            ratio("grpc-p99-at-" + RATE + "-vs-" + peer, median(open, "courier-grpc", Measurement::p99Micros)
                    / median(open, peer, Measurement::p99Micros));
            ratio("grpc-async-throughput-vs-" + peer, median(closed, "courier-grpc-async", Measurement::throughput)
                    / median(closed, peer, Measurement::throughput));
            ratio("grpc-async-p99-at-" + RATE + "-vs-" + peer, median(open, "courier-grpc-async", Measurement::p99Micros)
                    / median(open, peer, Measurement::p99Micros));
        }
        ratio("grpc-throughput-vs-vertx-grpc", median(closed, "courier-grpc", Measurement::throughput)
                / median(closed, "vertx-grpc", Measurement::throughput));
        ratio("grpc-async-throughput-vs-vertx-grpc", median(closed, "courier-grpc-async", Measurement::throughput)
                / median(closed, "vertx-grpc", Measurement::throughput));
        for (String engine : List.of("vertx-grpc", "vertx-h2c", "grpc-java-virtual")) {
            ratio(engine + "-throughput-vs-grpc-java-direct", median(closed, engine, Measurement::throughput)
                    / median(closed, "grpc-java-direct", Measurement::throughput));
        }
        grpcClient();
    }

    /**
     * Courier's gRPC client (its future-returning method, and its blocking method on 64 virtual
     * threads) against grpc-java's, all calling the same grpc-java server (directExecutor).
     */
    private void grpcClient() throws Exception {
        current = "grpc-client";
        List<String> variants = List.of("courier-grpc-client", "courier-grpc-client-blocking", "grpc-java-client");
        List<Measurement> closed = new ArrayList<>();
        List<Measurement> open = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            try (ServerProcess server = ServerProcess.start("grpc-java-direct")) {
                for (String variant : round % 2 == 0 ? variants : variants.reversed()) {
                    if (variant.equals("grpc-java-client")) {
                        try (GrpcLoad load = new GrpcLoad(server.port(), GRPC_CONNECTIONS)) {
                            measure("grpc-client", variant, round, load.sender("EchoAsync"), closed, open);
                        }
                    } else {
                        try (Courier courier = Courier.builder().name("bench-client")
                                .transport(GrpcTransportFactory.builder().build()).build()) {
                            Unary unary = courier.client(Unary.class)
                                    .target(URI.create("grpc://127.0.0.1:" + server.port())).build();
                            Payload sample = Payload.sample();
                            if (variant.equals("courier-grpc-client")) {
                                measure("grpc-client", variant, round, () -> unary.echoAsync(sample), closed, open);
                            } else {
                                // The blocking call on virtual threads; closed loop only (the open loop is the async one's).
                                progress("grpc-client", variant, round, "closed loop, " + IN_FLIGHT + " virtual threads");
                                closed.add(record(AsyncLoad.closedLoopBlocking(variant, () -> unary.echo(sample), IN_FLIGHT,
                                        WARMUP, SECONDS)));
                            }
                        }
                    }
                }
            }
        }
        table("grpc-client: unary, ~100-byte message, to grpc-java's server (directExecutor)", closed, open);
        ratio("grpc-client-throughput-vs-grpc-java-client", median(closed, "courier-grpc-client", Measurement::throughput)
                / median(closed, "grpc-java-client", Measurement::throughput));
        ratio("grpc-client-p99-at-" + RATE + "-vs-grpc-java-client", median(open, "courier-grpc-client",
                Measurement::p99Micros) / median(open, "grpc-java-client", Measurement::p99Micros));
        ratio("grpc-client-blocking-throughput-vs-grpc-java-client", median(closed, "courier-grpc-client-blocking",
                Measurement::throughput) / median(closed, "grpc-java-client", Measurement::throughput));
    }

    private void measure(String scenario, String variant, int round, AsyncLoad.Sender sender, List<Measurement> closed,
                         List<Measurement> open) {
        progress(scenario, variant, round, "closed loop, " + IN_FLIGHT + " in flight");
        closed.add(record(AsyncLoad.closedLoop(variant, sender, IN_FLIGHT, WARMUP, SECONDS)));
        progress(scenario, variant, round, "open loop, " + RATE + " req/s");
        open.add(record(AsyncLoad.openLoop(variant, sender, RATE, WARMUP, SECONDS)));
    }

    /**
     * courier-messaging on the in-memory broker, in this JVM: events through one group (64 not
     * yet handled at a time) and the request/reply round trip of an async command. No peer yet.
     */
    private void messaging() throws Exception {
        current = "messaging";
        List<Measurement> closed = new ArrayList<>();
        List<Measurement> open = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            try (MessagingLoad load = new MessagingLoad()) {
                progress("messaging", "publish-subscribe", round, "closed loop, " + IN_FLIGHT + " unhandled at most");
                closed.add(record(load.publishSubscribe("publish-subscribe", IN_FLIGHT, WARMUP, SECONDS)));
                measure("messaging", "request-reply", round, load.requestReply(), closed, open);
            }
        }
        table("messaging: in-memory broker, JSON, ~100-byte payload (publish-subscribe: events handled per second, "
                + "latency from publishing to the handler; request-reply: replies per second, request to reply)",
                closed, open);
    }

    /**
     * Publish/subscribe through the local RabbitMQ: courier-rabbitmq against the plain
     * amqp-client doing the same by hand. Not part of "all", which needs no broker.
     */
    private void rabbitmq() throws Exception {
        current = "rabbitmq";
        List<Measurement> closed = new ArrayList<>();
        // Unrecorded, as for Kafka: the first run in a JVM is slower, whichever client makes it.
        progress("rabbitmq", "warm-up", 0, "both clients, " + WARMUP + " s each, not recorded");
        RabbitLoad.raw(IN_FLIGHT, 0, WARMUP);
        RabbitLoad.courier(IN_FLIGHT, 0, WARMUP);
        for (int round = 0; round < ROUNDS; round++) {
            // A/B, then B/A: whichever runs second gets a broker that has just been busy.
            for (String variant : round % 2 == 0 ? List.of("amqp-client", "courier-rabbitmq")
                    : List.of("courier-rabbitmq", "amqp-client")) {
                progress("rabbitmq", variant, round, "closed loop, " + IN_FLIGHT + " unhandled at most");
                closed.add(record(variant.equals("amqp-client") ? RabbitLoad.raw(IN_FLIGHT, WARMUP, SECONDS)
                        : RabbitLoad.courier(IN_FLIGHT, WARMUP, SECONDS)));
            }
        }
        table("rabbitmq: publish-subscribe, persistent JSON ~100-byte events, publisher confirms (up to " + IN_FLIGHT
                + " outstanding), a manual ack per event, prefetch 256 (events handled per second, latency from"
                + " publishing to the handler)", closed, List.of());
        ratio("courier-rabbitmq-vs-amqp-client", median(all, "courier-rabbitmq", Measurement::throughput)
                / median(all, "amqp-client", Measurement::throughput));
    }

    /**
     * Publish/subscribe through an embedded single-node Kafka started in this JVM: courier-kafka
     * against plain kafka-clients doing the same by hand. Not part of "all".
     */
    private void kafka() throws Exception {
        current = "kafka";
        List<Measurement> closed = new ArrayList<>();
        try (io.courier.kafka.embedded.EmbeddedKafka kafka = io.courier.kafka.embedded.EmbeddedKafka.builder().build().start()) {
            // Unrecorded: the first run on a fresh broker is slower, whichever client makes it.
            progress("kafka", "warm-up", 0, "both clients, " + WARMUP + " s each, not recorded");
            KafkaLoad.raw(kafka.bootstrapServers(), IN_FLIGHT, 0, WARMUP);
            KafkaLoad.courier(kafka.bootstrapServers(), IN_FLIGHT, 0, WARMUP);
            for (int round = 0; round < ROUNDS; round++) {
                progress("kafka", "kafka-clients", round, "closed loop, " + IN_FLIGHT + " unhandled at most");
                closed.add(record(KafkaLoad.raw(kafka.bootstrapServers(), IN_FLIGHT, WARMUP, SECONDS)));
                progress("kafka", "courier-kafka", round, "closed loop, " + IN_FLIGHT + " unhandled at most");
                closed.add(record(KafkaLoad.courier(kafka.bootstrapServers(), IN_FLIGHT, WARMUP, SECONDS)));
            }
        }
        table("kafka: publish-subscribe, JSON ~100-byte events over 64 keys, 8 partitions, acks=all, idempotent, linger 5 ms, "
                + "offsets committed after handling (events handled per second, latency from publishing to the handler)",
                closed, List.of());
        ratio("kafka-throughput-vs-kafka-clients", median(all, "courier-kafka", Measurement::throughput)
                / median(all, "kafka-clients", Measurement::throughput));
    }

    /**
     * The transactional outbox on PostgreSQL with an embedded Kafka: both relays, at a fixed
     * rate of writes (commit-to-handler latency) and draining a backlog (the relay's throughput).
     * The targets are absolute, so the ratios are against them: throughput / 20,000 messages/s
     * (at least 1), p99 / 50 ms for polling and / 20 ms for log tailing (at most 1). Not part of "all".
     */
    private void outbox() throws Exception {
        current = "outbox";
        int rate = Integer.getInteger("bench.outbox.rate", 5000);
        int backlog = Integer.getInteger("bench.outbox.backlog", 100_000);
        int perTransaction = Integer.getInteger("bench.outbox.perTransaction", 2); // a second rate row, if > 1
        List<Measurement> rows = new ArrayList<>();
        try (io.courier.kafka.embedded.EmbeddedKafka kafka = io.courier.kafka.embedded.EmbeddedKafka.builder().build().start()) {
            progress("outbox", "warm-up", 0, "both relays at " + rate + "/s, " + WARMUP + " s each, not recorded");
            for (OutboxLoad.Relay relay : OutboxLoad.Relay.values()) {
                OutboxLoad.rate(relay, kafka.bootstrapServers(), rate, 1, WARMUP);
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (OutboxLoad.Relay relay : OutboxLoad.Relay.values()) {
                    progress("outbox", relay.name().toLowerCase() + " relay", round, rate + " transactions/s");
                    rows.add(record(OutboxLoad.rate(relay, kafka.bootstrapServers(), rate, 1, SECONDS)));
                    if (perTransaction > 1) {
                        progress("outbox", relay.name().toLowerCase() + " relay", round, rate + " messages/s, "
                                + perTransaction + " per transaction");
                        rows.add(record(OutboxLoad.rate(relay, kafka.bootstrapServers(), rate, perTransaction, SECONDS)));
                    }
                    progress("outbox", relay.name().toLowerCase() + " relay", round, "a backlog of " + backlog + " rows");
                    rows.add(record(OutboxLoad.backlog(relay, kafka.bootstrapServers(), backlog)));
                }
            }
        }
        table("outbox: PostgreSQL -> relay -> Kafka (embedded, 8 partitions) -> Courier subscriber; one business row and "
                + "one outbox row per transaction (rate-<n>-<k>-per-tx: k outbox rows, n messages/s), ~100-byte JSON events over 64 keys (rate: latency from the commit "
                + "returning to the handler; backlog: rows handled per second after the relay starts)", rows, List.of());
        for (String relay : List.of("polling", "tailing")) {
            String variant = "outbox-" + relay;
            ratio("outbox-" + relay + "-throughput-vs-20000", median(all, variant, Measurement::throughput,
                    "backlog-" + backlog) / 20_000);
            ratio("outbox-" + relay + "-p99-at-" + rate + "-vs-" + (relay.equals("polling") ? "50" : "20") + "ms",
                    median(all, variant, Measurement::p99Micros, "rate-" + rate) / 1000
                            / (relay.equals("polling") ? 50 : 20));
        }
    }

    /** REST and gRPC with and without metrics and tracing: {@link ObservabilityLoad}. Not part of "all". */
    private void observability() throws Exception {
        current = "observability";
        ObservabilityLoad.run(new ObservabilityLoad.Harness() {
            public Measurement record(Measurement m) {
                return LoadMain.this.record(m);
            }

            public void progress(String variant, int round, String what) {
                LoadMain.progress("observability", variant, round, what);
            }

            public void table(String title, List<Measurement> closed, List<Measurement> open) {
                LoadMain.this.table(title, closed, open);
            }

            public void ratio(String name, double value) {
                LoadMain.this.ratio(name, value);
            }

            public double median(List<Measurement> ms, String variant, boolean throughput) {
                return LoadMain.median(ms, variant, throughput ? Measurement::throughput : Measurement::p99Micros);
            }
        }, ROUNDS, IN_FLIGHT, RATE, GRPC_CONNECTIONS, WARMUP, SECONDS);
    }

    /** How close each protocol comes to the raw TCP floor measured in the same run. */
    private void vsFloor() {
        current = "floor";
        double floor = median(all, "tcp-echo", Measurement::throughput, "closed-" + IN_FLIGHT);
        ratio("courier-rest-vs-tcp-floor", median(all, "courier-rest", Measurement::throughput, "closed-" + IN_FLIGHT) / floor);
        ratio("courier-grpc-vs-tcp-floor", median(all, "courier-grpc", Measurement::throughput, "closed-" + IN_FLIGHT) / floor);
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

    private void table(String title, List<Measurement> closed, List<Measurement> open) {
        Map<String, Object> section = section();
        section.put("title", title);
        List<Measurement> measured = new ArrayList<>(closed);
        measured.addAll(open);
        section.put("measurements", measured);
        System.out.println();
        System.out.println(title);
        System.out.printf("  %-28s %-12s %12s %10s %10s %8s%n", "variant", "mode", "req/s", "p50 us", "p99 us", "errors");
        List<Measurement> rows = new ArrayList<>(closed);
        rows.addAll(open);
        rows.sort(Comparator.comparing(Measurement::mode).thenComparing(Measurement::variant));
        for (Measurement m : rows) {
            System.out.printf("  %-28s %-12s %12.0f %10.0f %10.0f %8d%n", m.variant(), m.mode(), m.throughput(),
                    m.p50Micros(), m.p99Micros(), m.errors());
        }
        System.out.println();
    }

    private Map<String, Object> section() {
        return sections.computeIfAbsent(current, k -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("title", k);
            s.put("measurements", List.of());
            s.put("ratios", new LinkedHashMap<String, Double>());
            return s;
        });
    }

    private static double median(List<Measurement> ms, String variant, ToDoubleFunction<Measurement> f) {
        return median(ms, variant, f, null);
    }

    private static double median(List<Measurement> ms, String variant, ToDoubleFunction<Measurement> f, String mode) {
        double[] values = ms.stream().filter(m -> m.variant().equals(variant) && (mode == null || m.mode().equals(mode)))
                .mapToDouble(f).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    @SuppressWarnings("unchecked")
    private void ratio(String name, double value) {
        ratios.put(name, value);
        ((Map<String, Double>) section().get("ratios")).put(name, value);
    }

    private void write(String scenario) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", scenario);
        doc.put("date", Instant.now().toString());
        doc.put("machine", machine());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("warmupSeconds", WARMUP);
        settings.put("seconds", SECONDS);
        settings.put("rounds", ROUNDS);
        settings.put("inFlight", IN_FLIGHT);
        settings.put("openLoopRate", RATE);
        settings.put("grpcConnections", GRPC_CONNECTIONS);
        settings.put("serverJvmFlags", ServerProcess.JVM_FLAGS);
        doc.put("settings", settings);
        doc.put("command", System.getProperty("bench.command", "benchmarks/run " + scenario));
        doc.put("scenarios", sections);
        doc.put("measurements", all);
        doc.put("ratios", ratios);
        Path dir = Path.of(System.getProperty("bench.results", "results"));
        Files.createDirectories(dir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path file = dir.resolve("load-" + scenario + "-" + stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
        System.out.println("results: " + file);
        Targets.print(ratios);
        // Ratios come last, so the last line of a paired scenario is its ratio.
        ratios.forEach((name, value) -> System.out.printf("ratio %s: %s%n", name, Report.ratio(value)));
    }

    /** The machine and JVM the figures come from. */
    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        // The flags that change what runs; the harness's own settings (class paths, directories) are not flags of it.
        m.put("harnessJvmFlags", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Dbench.spring.cp=") && !a.startsWith("-Dbench.results=")
                        && !a.startsWith("-Dbench.command=") && !a.startsWith("-Dbench.load.before="))
                .toList());
        m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        // Other work on the machine skews every figure: say how busy it was (1, 5, 15 minutes).
        m.put("loadAverageBeforeRun", System.getProperty("bench.load.before", "unknown"));
        m.put("loadAverageAtStart", LOAD_AT_START);
        m.put("loadAverageAtEnd", loadAverage());
        return m;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
