package io.courier.examples.ftgo;

import io.courier.Courier;
import io.courier.examples.ftgo.delivery.Couriers;
import io.courier.examples.ftgo.delivery.DeliveryQuote;
import io.courier.examples.ftgo.delivery.QuoteRequest;
import io.courier.examples.ftgo.kitchen.KitchenService;
import io.courier.examples.ftgo.kitchen.TicketRequest;
import io.courier.examples.ftgo.order.LineItem;
import io.courier.json.JsonCodec;
import io.courier.messaging.Messaging;
import io.courier.messaging.Replies;
import io.courier.outbox.Outbox;
import io.courier.outbox.OutboxRelay;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The multi-process demo, as its launcher runs it: the engines in the launcher's JVM (the
 * broker, unless {@code --broker} names a running one; the database; the outbox relay), and
 * each service instance in a child JVM of its own ({@link DemoNode}) started with the
 * launcher's class path, logging to {@code <work dir>/logs/INSTANCE.log}, finding the others
 * through the {@code local} discovery backend in {@code <work dir>/discovery}, or ZooKeeper
 * ({@link DemoDiscovery}). Closing it (or
 * the launcher's exit, through a shutdown hook) stops every process it started.
 */
final class DemoProcesses implements AutoCloseable {
    /** The service instances, in the order of their ports in serving mode. */
    static final List<String> INSTANCES = List.of("consumer-1", "order", "consumer-2", "kitchen-1", "kitchen-2",
            "accounting", "notification", "delivery");
    // Generous: on a busy machine the JVMs wait long for a core (the start-up figures say how long).
    private static final Duration START_PATIENCE = Duration.ofSeconds(240);

    /** A child process: its instance name, role, port and log. */
    record Node(String instance, String role, int port, Path log, Process process) {
        URI uri() {
            return URI.create("http://127.0.0.1:" + port);
        }
    }

    private final CompletableFuture<DemoBroker> opening;
    private DemoBroker broker;
    private final DemoDatabase database;
    private final Path workDir;
    private final DemoDiscovery discovery;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Outbox outbox;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Courier client;
    private OutboxRelay relay;
    private double startupSeconds;
    private double startupCpuSeconds;
    /** Seconds from the start until: the database was ready, the broker was, each instance registered, the consumers answered. */
    private double databaseSeconds;
    private double brokerSeconds;
    private double consumersSeconds;
    private final ChildJvm jvm = ChildJvm.ofThisJvm();
    /** Whether a class-data archive written by an earlier run was there for the services' JVMs to map. */
    private final boolean archived = jvm.archived();
    private final Map<String, double[]> registeredAt = new LinkedHashMap<>(); // instance -> {seconds, its CPU seconds}
    private long startedNanos;
    /** The broker the children are given, and what picks their ports when picked free (then one taken is picked again). */
    private String childSpec;
    private PortPicker ports;
    /** How many times each instance was started again on another port because its port had been taken meanwhile. */
    private final Map<String, Integer> rebinds = new LinkedHashMap<>();
    private static final int MAX_REBINDS = 3;

    private DemoProcesses(CompletableFuture<DemoBroker> opening, DemoDatabase database, Path workDir, DemoDiscovery discovery) {
        this.opening = opening;
        this.database = database;
        this.workDir = workDir;
        this.discovery = discovery;
        this.outbox = Outbox.builder().dataSource(database.dataSource()).build();
        this.client = Courier.builder().name("demo-launcher").discovery(discovery.backend()).build();
    }

    /**
     * Starts the engines and every instance of {@link #INSTANCES}, on ports {@code firstPort},
     * {@code firstPort + 1}, ..., or on free ports when {@code firstPort} is 0; returns once
     * each has registered in discovery. Prints progress to {@code out}.
     *
     * @throws IllegalArgumentException when {@code brokerSpec} cannot cross processes
     */
    static DemoProcesses start(String brokerSpec, int firstPort, PrintStream out) throws IOException {
        return start(brokerSpec, null, "local", firstPort, out);
    }

    /**
     * As {@link #start(String, int, PrintStream)}, the tables in a schema of their own in the
     * PostgreSQL database {@code dbUrl} ({@code --db}) when it is not null, and the instances
     * registered in the discovery backend {@code discoverySpec} names ({@code --discovery}:
     * {@code local} or {@code zookeeper=HOST:PORT}, see {@link DemoDiscovery}).
     */
    static DemoProcesses start(String brokerSpec, String dbUrl, String discoverySpec, int firstPort, PrintStream out)
            throws IOException {
        return start(brokerSpec, dbUrl, discoverySpec, firstPort, out, instance -> freePort());
    }

    /** Picks the port an instance is started on when the ports are picked free. */
    @FunctionalInterface
    interface PortPicker {
        int pick(String instance) throws IOException;
    }

    /** As {@link #start(String, String, String, int, PrintStream)}, free ports ({@code firstPort} 0) picked by {@code ports}. */
    static DemoProcesses start(String brokerSpec, String dbUrl, String discoverySpec, int firstPort, PrintStream out,
            PortPicker ports) throws IOException {
        if (brokerSpec.equals("memory")) {
            throw new IllegalArgumentException("--broker memory: the in-memory broker cannot carry messages between "
                    + "processes (expected: kafka, kafka=HOST:PORT or rabbitmq=HOST:PORT; or add --single-jvm)");
        }
        if (dbUrl != null) {
            DemoDatabase.requirePostgres(dbUrl);
        }
        if (!discoverySpec.equals("local") && !discoverySpec.startsWith("zookeeper=")) {
            throw new IllegalArgumentException("--discovery " + discoverySpec + " (expected: local or zookeeper=HOST:PORT)");
        }
        long started = System.nanoTime();
        double[] engineSeconds = new double[2];
        // The database is made while the services' JVMs start: they get its URL now and use it at
        // their first message or order, which comes after the start-up.
        DemoDatabase database = DemoDatabase.prepare(dbUrl);
        CompletableFuture<DemoDatabase> db = CompletableFuture.supplyAsync(() -> {
            database.create();
            engineSeconds[0] = (System.nanoTime() - started) / 1e9;
            return database;
        });
        // The embedded Kafka starts while the services' JVMs start: they reach it at a port chosen now.
        int kafkaPort = brokerSpec.equals("kafka") ? freePort() : 0;
        CompletableFuture<DemoBroker> opening = new CompletableFuture<>();
        Thread.ofPlatform().name("courier-demo-broker").start(() -> {
            try {
                DemoBroker opened = DemoBroker.open(brokerSpec, kafkaPort);
                engineSeconds[1] = (System.nanoTime() - started) / 1e9;
                opening.complete(opened);
            } catch (IOException | RuntimeException e) {
                opening.completeExceptionally(e);
            }
        });
        if (kafkaPort == 0) {
            try { // a running broker: its errors come before any process starts
                awaitBroker(opening);
            } catch (IOException | RuntimeException e) {
                abandon(db, database);
                throw e;
            }
        }
        Path dir = Files.createTempDirectory("courier-demo-");
        Files.createDirectories(dir.resolve("logs"));
        String childSpec = kafkaPort != 0 ? "kafka=127.0.0.1:" + kafkaPort : brokerSpec;
        DemoDiscovery discovery;
        try {
            discovery = DemoDiscovery.open(discoverySpec, dir);
        } catch (RuntimeException e) {
            opening.thenAccept(DemoBroker::close);
            abandon(db, database);
            throw e;
        }
        DemoProcesses demo = new DemoProcesses(opening, database, dir, discovery);
        demo.startedNanos = started;
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "courier-demo-stop"));
        try {
            out.printf("Starting %d service processes (logs in %s) on %s and %s ...%n", INSTANCES.size(),
                    dir.resolve("logs"), kafkaPort != 0 ? "a Kafka starting at 127.0.0.1:" + kafkaPort : brokerSpec,
                    database.description());
            demo.childSpec = childSpec;
            demo.ports = firstPort == 0 ? ports : null;
            for (int i = 0; i < INSTANCES.size(); i++) {
                String instance = INSTANCES.get(i);
                demo.launch(instance, firstPort == 0 ? ports.pick(instance) : firstPort + i, childSpec);
            }
            try {
                db.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            demo.broker = awaitBroker(opening);
            demo.startRelay();
            demo.awaitRegistered(out);
            demo.awaitConsumersAssigned(out);
            demo.startupSeconds = (System.nanoTime() - started) / 1e9;
            demo.consumersSeconds = demo.startupSeconds;
            demo.databaseSeconds = engineSeconds[0];
            demo.brokerSeconds = engineSeconds[1];
            demo.startupCpuSeconds = demo.cpuSeconds();
            return demo;
        } catch (IOException | RuntimeException e) {
            db.handle((d, x) -> null).join(); // made or failed: then dropped with the rest
            demo.close();
            throw e;
        }
    }

    /** Drops the database once it is made (or failed), without waiting for more. */
    private static void abandon(CompletableFuture<DemoDatabase> db, DemoDatabase database) {
        db.handle((d, x) -> null).join();
        database.close();
    }

    /** The broker once open; on failure, throws what went wrong. */
    private static DemoBroker awaitBroker(CompletableFuture<DemoBroker> opening) throws IOException {
        try {
            return opening.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static String roleOf(String instance) {
        return instance.replaceFirst("-\\d+$", "");
    }

    /**
     * The command line of the child JVM of {@code instance} (its role: the name without the
     * number), with this JVM's class path.
     */
    static List<String> command(String instance, int port, String brokerSpec, String jdbcUrl, Path discoveryDir) {
        return ChildJvm.ofThisJvm().command(instance, DemoNode.class.getName(), List.of(roleOf(instance), instance,
                String.valueOf(port), brokerSpec, jdbcUrl, discoveryDir.toString()));
    }

    private void launch(String instance, int port, String brokerSpec) throws IOException {
        Path log = workDir.resolve("logs").resolve(instance + ".log");
        List<String> command = jvm.command(instance, DemoNode.class.getName(), List.of(roleOf(instance), instance,
                String.valueOf(port), brokerSpec, database.url(), discovery.spec()));
        // Standard input stays a pipe from this process: its end tells the child we have gone.
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        nodes.put(instance, new Node(instance, roleOf(instance), port, log, p));
    }

    private void awaitRegistered(PrintStream out) throws IOException {
        long deadline = System.nanoTime() + START_PATIENCE.toNanos();
        long nextNotice = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (true) {
            Set<String> missing = new TreeSet<>(INSTANCES);
            Set<String> now = registered();
            missing.removeAll(now);
            for (String instance : now) {
                if (!registeredAt.containsKey(instance) && nodes.containsKey(instance)) {
                    registeredAt.put(instance, new double[] {(System.nanoTime() - startedNanos) / 1e9,
                            cpu(nodes.get(instance).process().toHandle()) / 1e9});
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (Node n : List.copyOf(nodes.values())) {
                if (!n.process().isAlive() && !relaunchIfPortTaken(n, out)) {
                    throw new IllegalStateException(n.instance() + " exited with status " + n.process().exitValue()
                            + " while starting; its log " + n.log() + " ends:\n" + tail(n.log()));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not registered after " + START_PATIENCE.toSeconds() + " s: " + missing
                        + " (see their logs in " + workDir.resolve("logs") + ")");
            }
            if (System.nanoTime() > nextNotice) {
                out.println("  still starting: " + String.join(", ", missing));
                nextNotice = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /**
     * A free port is picked here and bound by the child a moment later: another process may take
     * it between the two. A child that exited because its port was taken is started again on
     * another free port (at most {@link #MAX_REBINDS} times); returns whether it was.
     */
    private boolean relaunchIfPortTaken(Node n, PrintStream out) throws IOException {
        int tries = rebinds.getOrDefault(n.instance(), 0);
        if (ports == null || tries >= MAX_REBINDS || !portTaken(n.log())) {
            return false;
        }
        rebinds.put(n.instance(), tries + 1);
        Files.move(n.log(), n.log().resolveSibling(n.instance() + ".port-taken-" + (tries + 1) + ".log"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        int port = ports.pick(n.instance());
        out.println("  " + n.instance() + ": port " + n.port() + " was taken meanwhile; starting it again on " + port);
        launch(n.instance(), port, childSpec);
        return true;
    }

    /**
     * Waits until the brokers' consumers of the services are in place: a scatter gets a quote
     * from every courier and a command gets the kitchen's reply. Registration says a process
     * serves; a consumer group's partitions are assigned a moment later, and a request sent
     * before would wait for them.
     */
    private void awaitConsumersAssigned(PrintStream out) {
        long started = System.nanoTime();
        long deadline = started + START_PATIENCE.toNanos();
        try (Messaging m = Messaging.builder().name("demo-launcher").broker(broker.broker()).codec(JsonCodec.create()).build()) {
            KitchenService kitchen = m.commands(KitchenService.class, Duration.ofSeconds(5));
            int tries = 0;
            while (true) {
                tries++;
                try {
                    Replies<DeliveryQuote> quotes = m.scatter(new QuoteRequest("warm-up-" + tries, "-"), DeliveryQuote.class,
                            Couriers.ON_DUTY.size(), Duration.ofSeconds(3)).get();
                    kitchen.createTicket(new TicketRequest("warm-up-" + tries, "-",
                            List.of(new LineItem("-", 1, Money.euros("0.00"))))).get();
                    if (quotes.values().size() == Couriers.ON_DUTY.size()) {
                        break;
                    }
                } catch (ExecutionException e) {
                    // not yet: the command timed out while the kitchen's group was forming
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the services' consumers");
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the kitchen and the couriers did not answer over the broker within "
                            + START_PATIENCE.toSeconds() + " s (see their logs in " + workDir.resolve("logs") + ")");
                }
                out.println("  waiting for the services' consumer groups on the broker ...");
            }
        }
    }

    /** The instances whose probe is registered, live, in discovery. */
    Set<String> registered() {
        return registered("demo-probe");
    }

    /** The instances of {@code service} live in discovery, by their {@code instance} metadata. */
    Set<String> registered(String service) {
        return discovery.registered(service);
    }

    /** Whether the log of a child that has exited says it could not bind its port. */
    private static boolean portTaken(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains("Address already in use");
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the outbox relay in this process (after {@link #stopRelay()}: a new one). */
    synchronized void startRelay() {
        if (relay == null) {
            relay = outbox.relay(broker.broker()).maxPollInterval(Duration.ofMillis(100)).start();
        }
    }

    /** Stops the outbox relay; committed events wait in the outbox table until it starts again. */
    synchronized void stopRelay() {
        if (relay != null) {
            relay.close();
            relay = null;
        }
    }

    /** The events waiting in the outbox. */
    long outboxBacklog() {
        return outbox.backlog();
    }

    /** Kills an instance's process at once ({@code kill -9}); returns its pid. */
    long kill(String instance) {
        Node n = node(instance);
        n.process().destroyForcibly();
        try {
            n.process().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return n.process().pid();
    }

    Node node(String instance) {
        Node n = nodes.get(instance);
        if (n == null) {
            throw new IllegalArgumentException("instance: " + instance + " (expected: one of " + nodes.keySet() + ")");
        }
        return n;
    }

    /** Where {@code instance} answers REST (gRPC on the same port). */
    URI uri(String instance) {
        return node(instance).uri();
    }

    /** The report of {@code instance}'s process. */
    DemoProbe.Report probe(String instance) {
        return client.client(DemoProbe.class).target(uri(instance)).deadline(Duration.ofSeconds(10)).build().report();
    }

    /** The launcher's client, with the demo's discovery. */
    Courier client() {
        return client;
    }

    DemoDatabase database() {
        return database;
    }

    DemoBroker broker() {
        return broker;
    }

    /** Where the instances keep their leases: {@code ./courier instances --dir} reads it (null on ZooKeeper). */
    Path discoveryDirectory() {
        return discovery.directory();
    }

    /** The discovery backend the instances registered in. */
    DemoDiscovery discovery() {
        return discovery;
    }

    Path logs() {
        return workDir.resolve("logs");
    }

    Map<String, Node> nodes() {
        return nodes;
    }

    double startupSeconds() {
        return startupSeconds;
    }

    /**
     * Where the start-up went, for people: when the database and the broker were ready, when the
     * first and the last service process registered and how much CPU each had used by then, and
     * when the broker's consumers answered (the end of the start-up).
     */
    String startupBreakdown() {
        double first = registeredAt.values().stream().mapToDouble(v -> v[0]).min().orElse(0);
        double last = registeredAt.values().stream().mapToDouble(v -> v[0]).max().orElse(0);
        double cpuMin = registeredAt.values().stream().mapToDouble(v -> v[1]).min().orElse(0);
        double cpuMax = registeredAt.values().stream().mapToDouble(v -> v[1]).max().orElse(0);
        return String.format(java.util.Locale.ROOT, "database ready at %.1f s, broker at %.1f s; the %d service JVMs, started"
                + " at once, registered from %.1f s to %.1f s, using %.1f-%.1f s of CPU each; the broker's consumer groups"
                + " answered at %.1f s; %s", databaseSeconds, brokerSeconds, registeredAt.size(), first, last, cpuMin, cpuMax,
                consumersSeconds, jvm.report(archived, nodes.values().stream().map(Node::log).toList()));
    }

    /** The CPU time the start-up took, in all the demo's processes (the launcher's own since it started). */
    double startupCpuSeconds() {
        return startupCpuSeconds;
    }

    /** The CPU time used so far by the launcher and every child still running, in seconds (0 where it cannot tell). */
    private double cpuSeconds() {
        long nanos = cpu(ProcessHandle.current());
        for (Node n : nodes.values()) {
            nanos += cpu(n.process().toHandle());
        }
        return nanos / 1e9;
    }

    private static long cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** The resident memory of the launcher and every child still running, in bytes (from /proc; 0 where it cannot tell). */
    long residentBytes() {
        long sum = rss(ProcessHandle.current().pid());
        for (Node n : nodes.values()) {
            if (n.process().isAlive()) {
                sum += rss(n.process().pid());
            }
        }
        return sum;
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            // not Linux, or the process has gone
        }
        return 0;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopRelay();
        for (Node n : nodes.values()) {
            n.process().destroy();
        }
        for (Node n : nodes.values()) {
            try {
                // The archiver may be writing the class-data archive as it exits: a few seconds more.
                if (!n.process().waitFor(n.instance().equals(ChildJvm.ARCHIVER) ? 60 : 10, TimeUnit.SECONDS)) {
                    n.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                n.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        client.close();
        discovery.close();
        opening.thenAccept(DemoBroker::close); // now, or once it has started
        database.close();
    }
}
