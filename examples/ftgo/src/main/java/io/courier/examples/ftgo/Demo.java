package io.courier.examples.ftgo;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./courier demo}: starts the demo system, runs its scenario, and keeps serving until
 * Ctrl-C; with {@code --once}, exits after the scenario with status 0 only if every step worked.
 * Each service instance runs in a JVM of its own started by this one ({@link DemoProcesses}),
 * which runs the engines: a Kafka broker embedded in it unless {@code --broker} names another
 * ({@link DemoBroker}), a database for the outbox and inbox, and the outbox relay. With
 * {@code --single-jvm}, every service runs in this JVM on static discovery ({@link DemoSystem}),
 * where {@code --broker memory} works too.
 */
public final class Demo {
    /** The port of the first service in serving mode; the others follow (see {@link DemoSystem#SERVICES}). */
    static final int FIRST_PORT = 8081;

    private Demo() {
    }

    /** Entry point; see the class description for the arguments. */
    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /**
     * Runs the demo with {@code options} ({@code --once}, {@code --broker SPEC}), printing to
     * {@code out} and {@code err}; the exit status: 0 when every step of the scenario worked.
     * Without {@code --once}, serves until the JVM is stopped.
     */
    static int run(List<String> options, PrintStream out, PrintStream err) throws Exception {
        boolean once = false;
        boolean singleJvm = false;
        String brokerSpec = "kafka";
        String db = null;
        String discovery = "local";
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (option.equals("--once")) {
                once = true;
            } else if (option.equals("--single-jvm")) {
                singleJvm = true;
            } else if (option.equals("--broker") && i + 1 < options.size()) {
                brokerSpec = options.get(++i);
            } else if (option.startsWith("--broker=")) {
                brokerSpec = option.substring("--broker=".length());
            } else if (option.equals("--db") && i + 1 < options.size()) {
                db = options.get(++i);
            } else if (option.startsWith("--db=")) {
                db = option.substring("--db=".length());
            } else if (option.equals("--discovery") && i + 1 < options.size()) {
                discovery = options.get(++i);
            } else if (option.startsWith("--discovery=")) {
                discovery = option.substring("--discovery=".length());
            } else {
                err.println("unknown option: " + option + " (expected: --once, --single-jvm, --broker kafka|kafka=HOST:PORT|"
                        + "rabbitmq=HOST:PORT|memory, --db jdbc:postgresql://HOST:PORT/DATABASE, --discovery local|zookeeper=HOST:PORT)");
                return 2;
            }
        }
        if (singleJvm && db != null) {
            err.println("--db: the one-JVM demo uses no database (expected: --db without --single-jvm)");
            return 2;
        }
        if (singleJvm && !discovery.equals("local")) {
            err.println("--discovery " + discovery + ": the one-JVM demo uses static discovery (expected: --discovery"
                    + " without --single-jvm)");
            return 2;
        }
        return singleJvm ? runInOneJvm(once, brokerSpec, out, err) : runInProcesses(once, brokerSpec, db, discovery, out, err);
    }

    /** The demo with each service instance in a process of its own ({@link DemoProcesses}). */
    private static int runInProcesses(boolean once, String brokerSpec, String db, String discovery, PrintStream out,
                                      PrintStream err) throws Exception {
        if (brokerSpec.equals("memory")) {
            err.println("--broker memory: the in-memory broker cannot carry messages between processes"
                    + " (expected: kafka, kafka=HOST:PORT or rabbitmq=HOST:PORT; or add --single-jvm to run every"
                    + " service in one JVM on it)");
            return 1;
        }
        int lastPort = FIRST_PORT + DemoProcesses.INSTANCES.size() - 1;
        DemoProcesses demo;
        try {
            out.println("Starting the broker (" + brokerSpec + ") and the database ...");
            demo = DemoProcesses.start(brokerSpec, db, discovery, once ? 0 : FIRST_PORT, out);
        } catch (RuntimeException | java.io.IOException e) {
            err.println("Could not start the demo on --broker " + brokerSpec + (db == null ? "" : " and --db " + db)
                    + (discovery.equals("local") ? "" : " and --discovery " + discovery) + ": "
                    + e.getMessage()
                    + (once ? "" : "\nIs something else using a port from " + FIRST_PORT + " to " + lastPort
                    + "? Try ./courier demo --once.")
                    + "\nTry ./courier demo --single-jvm --broker memory, or check that the broker answers.");
            return 1;
        }
        try {
            out.printf("Courier demo, started in %.1f s on %s, %s and %s (%s);"
                    + " one process per instance, REST and gRPC on each port:%n", demo.startupSeconds(),
                    demo.broker().description(), demo.database().description(), demo.discovery().description(),
                    demo.nodes().size() + " processes");
            demo.nodes().values().forEach(n -> out.printf("  %-13s %s  pid %d%n", n.instance(), n.uri(), n.process().pid()));
            out.printf("  %-13s %s  (the services, calls, breakers and dead letters; /metrics on every port)%n",
                    "console", demo.uri("order").resolve("/console/"));
            boolean ok = new ProcessScenario(demo, out).run();
            if (once) {
                return ok ? 0 : 1;
            }
            out.println();
            out.println("Serving until Ctrl-C (" + ProcessScenario.KILLED + " stays killed). Try:");
            tryLines(demo).forEach(line -> out.println("  " + line));
            new CountDownLatch(1).await(); // the shutdown hook stops every process on Ctrl-C
            return 0;
        } finally {
            demo.close();
        }
    }

    /** The commands printed for people to try against the serving multi-process demo. */
    static List<String> tryLines(DemoProcesses demo) {
        return List.of(
                "curl " + demo.uri("consumer-1").resolve("/consumers/1"),
                "curl -H 'Content-Type: application/json' -d '{\"consumerId\":1,\"restaurant\":\"Ajanta\","
                        + "\"items\":[{\"dish\":\"naan\",\"quantity\":2,\"price\":{\"amount\":2.25,\"currency\":\"EUR\"}}]}' "
                        + demo.uri("order").resolve("/orders"),
                "curl -N '" + demo.uri("order") + "/orders/<the id of an order>/status'",
                "curl " + demo.uri("accounting").resolve("/accounts/1/charges"),
                "curl " + demo.uri("notification").resolve("/notifications/1"),
                "./courier instances consumer " + demo.discovery().instancesOptions());
    }

    /** The demo with every service in this JVM ({@link DemoSystem}), on static discovery. */
    private static int runInOneJvm(boolean once, String brokerSpec, PrintStream out, PrintStream err) throws Exception {
        long started = System.nanoTime();
        DemoBroker broker;
        try {
            out.println("Starting the broker (" + brokerSpec + ") ...");
            broker = DemoBroker.open(brokerSpec);
        } catch (RuntimeException | java.io.IOException e) {
            err.println("Could not start or reach the broker " + brokerSpec + ": " + e.getMessage()
                    + "\nTry ./courier demo --single-jvm --broker memory, or check that the broker answers.");
            return 1;
        }
        // --once picks free ports so it never clashes with anything; serving mode uses fixed ones to curl.
        int lastPort = FIRST_PORT + DemoSystem.SERVICES.size() - 1;
        DemoSystem system;
        try {
            system = DemoSystem.start(once ? 0 : FIRST_PORT, broker.broker());
        } catch (RuntimeException e) {
            broker.close();
            err.println("Could not start the demo: " + e.getMessage()
                    + (once ? "" : "\nIs something else using a port from " + FIRST_PORT + " to " + lastPort
                    + "? Try ./courier demo --once."));
            return 1;
        }
        out.printf("Courier demo, started in %.1f s on %s and static discovery; REST and gRPC on each port:%n",
                (System.nanoTime() - started) / 1e9, broker.description());
        for (String service : DemoSystem.SERVICES) {
            out.printf("  %-13s %s%n", service, system.uri(service));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        if (!once) {
            // Ctrl-C (or a TERM signal) closes every service, even while the scenario runs.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                system.close();
                broker.close();
                stopped.countDown();
            }));
        }
        boolean ok = new Scenario(system, out).run();
        if (once) {
            system.close();
            broker.close();
            return ok ? 0 : 1;
        }
        out.println();
        out.println("Serving until Ctrl-C (consumer-2 stays stopped). Try:");
        tryLines(system).forEach(line -> out.println("  " + line));
        stopped.await();
        return 0;
    }

    /** The commands printed for people to try against the serving demo. */
    static List<String> tryLines(DemoSystem system) {
        return List.of(
                "curl " + system.uri("consumer-1").resolve("/consumers/1"),
                "curl -H 'Content-Type: application/json' -d '{\"consumerId\":1,\"restaurant\":\"Ajanta\","
                        + "\"items\":[{\"dish\":\"naan\",\"quantity\":2,\"price\":{\"amount\":2.25,\"currency\":\"EUR\"}}]}' "
                        + system.orderService().resolve("/orders"),
                "curl " + system.uri("accounting").resolve("/accounts/1/charges"),
                "curl " + system.uri("notification").resolve("/notifications/1"),
                "curl '" + system.uri("delivery") + "/quotes?order=<the id of an order>'",
                "grpcurl -plaintext " + system.uri("consumer-1").getAuthority() + " list");
    }
}
