package io.courier.bench.jmh;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The cost of one event on the consumer path of the messaging core ({@link ConsumerPathBenchmark}),
 * for a machine too busy for JMH's elapsed times: the whole process's CPU time (the handler
 * threads, garbage collection and compilation included) and the bytes allocated by all threads,
 * per event, over rounds after a warm-up, as medians. Time spent waiting for a core is not
 * counted. Prints one line.
 *
 * <pre>{@code
 * java -Xms512m -Xmx512m -cp "target/classes:$(cat target/classpath.txt)" io.courier.bench.jmh.ConsumerPathCpu 200000
 * }</pre>
 */
public final class ConsumerPathCpu {
    private static final int ROUNDS = 9;

    private ConsumerPathCpu() {
    }

    /** Argument: the events per round (200,000). */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        ConsumerPathBenchmark bench = new ConsumerPathBenchmark();
        bench.setUp();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long sink = 0;
        for (int i = 0; i < 10 * n; i++) {
            sink += bench.keyedSubscriber();
        }
        double[] cpu = new double[ROUNDS];
        double[] bytes = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long p0 = os.getProcessCpuTime();
            long a0 = threads.getTotalThreadAllocatedBytes();
            for (int i = 0; i < n; i++) {
                sink += bench.keyedSubscriber();
            }
            cpu[r] = (os.getProcessCpuTime() - p0) / (double) n;
            bytes[r] = (threads.getTotalThreadAllocatedBytes() - a0) / (double) n;
        }
        bench.tearDown();
        Arrays.sort(cpu);
        Arrays.sort(bytes);
        System.out.printf("consumer path: process CPU %.0f ns/event (median of %d rounds of %d; min %.0f), allocated %.0f"
                + " bytes/event (min %.0f), load average %s [%d]%n", cpu[ROUNDS / 2], ROUNDS, n, cpu[0], bytes[ROUNDS / 2],
                bytes[0], loadAverage(), sink % 10);
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim().split("\\s+"), 3));
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
