package io.courier.examples.ftgo;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./courier demo}: starts the demo system, runs its scenario, and keeps serving until
 * Ctrl-C; with {@code --once}, exits after the scenario with status 0 only if every step worked.
 */
public final class Demo {
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
        DemoSystem system;
        try {
            system = once ? DemoSystem.start(0, 0) : DemoSystem.start(8081, 8082);
        } catch (RuntimeException e) {
            System.err.println("Could not start the demo: " + e.getMessage()
                    + (once ? "" : "\nIs something else using port 8081 or 8082? Try ./courier demo --once."));
            System.exit(1);
            return;
        }
        System.out.println("Courier demo: consumer-service at " + system.consumerService()
                + ", order-service at " + system.orderService());
        boolean ok = new Scenario(system, System.out).run();
        if (once) {
            system.close();
            System.exit(ok ? 0 : 1);
        }
        System.out.println();
        System.out.println("Serving until Ctrl-C. Try:");
        System.out.println("  curl " + system.consumerService().resolve("/consumers/1"));
        System.out.println("  curl -H 'Content-Type: application/json' -d '{\"consumerId\":1,\"restaurant\":\"Ajanta\","
                + "\"items\":[{\"dish\":\"naan\",\"quantity\":2,\"price\":{\"amount\":2.25,\"currency\":\"EUR\"}}]}' "
                + system.orderService().resolve("/orders"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            system.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
