package io.courier.examples.ftgo;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./courier demo}: starts the demo system, runs its scenario, and keeps serving until
 * Ctrl-C; with {@code --once}, exits after the scenario with status 0 only if every step worked.
 */
public final class Demo {
    /** The port of the first service in serving mode; the others follow (see {@link DemoSystem#SERVICES}). */
    static final int FIRST_PORT = 8081;

    private Demo() {
    }

    /** Entry point; see the class description for the arguments. */
    public static void main(String[] args) throws InterruptedException {
        List<String> options = List.of(args);
        boolean once = options.contains("--once");
        for (String option : options) {
            if (!option.equals("--once")) {
                System.err.println("unknown option: " + option + " (expected: --once, or nothing)");
                System.exit(2);
            }
        }
        // --once picks free ports so it never clashes with anything; serving mode uses fixed ones to curl.
        int lastPort = FIRST_PORT + DemoSystem.SERVICES.size() - 1;
        DemoSystem system;
        try {
            system = DemoSystem.start(once ? 0 : FIRST_PORT);
        } catch (RuntimeException e) {
            System.err.println("Could not start the demo: " + e.getMessage()
                    + (once ? "" : "\nIs something else using a port from " + FIRST_PORT + " to " + lastPort
                    + "? Try ./courier demo --once."));
            System.exit(1);
            return;
        }
        System.out.println("Courier demo, on one in-memory broker and static discovery; REST and gRPC on each port:");
        for (String service : DemoSystem.SERVICES) {
            System.out.printf("  %-13s %s%n", service, system.uri(service));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        if (!once) {
            // Ctrl-C (or a TERM signal) closes every service, even while the scenario runs.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                system.close();
                stopped.countDown();
            }));
        }
        boolean ok = new Scenario(system, System.out).run();
        if (once) {
            system.close();
            System.exit(ok ? 0 : 1);
        }
        System.out.println();
        System.out.println("Serving until Ctrl-C (consumer-2 stays stopped). Try:");
        tryLines(system).forEach(line -> System.out.println("  " + line));
        stopped.await();
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
