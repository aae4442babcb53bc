package io.courier.bench.jmh;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The CPU time one call of {@link ObservedPipelineBenchmark} costs, for a machine too busy for
 * JMH's wall-clock times: the calling thread's CPU time and the whole process's (garbage
 * collection and compilation included) over rounds of calls after a warm-up, as medians. Time
 * the thread waits for a core is not counted, so other work on the machine changes these figures
 * far less than it changes JMH's; and the bytes the calling thread allocated per call. Prints one line.
 *
 * <pre>{@code
 * java -cp "target/classes:$(cat target/classpath.txt)" io.courier.bench.jmh.ObservedPipelineCpu traced 200000
 * }</pre>
 */
public final class ObservedPipelineCpu {
    private static final int ROUNDS = 9;
    private static final String MODES = "bare|passing|metrics|meter-floor|traced|both|floor|floor-propagated|traced-batch|both-batch|floor-batch";

    private ObservedPipelineCpu() {
    }

    /**
     * Arguments: {@code bare}, {@code passing} (through an interceptor that passes the call on),
     * {@code metrics}, {@code meter-floor} (Micrometer's own timer around the bare call),
     * {@code traced}, {@code both}, {@code floor} (the SDK's own span around the bare call),
     * {@code floor-propagated} (the same, its context also written out by the W3C propagator), and
     * {@code traced-batch}, {@code both-batch}, {@code floor-batch} (the same with
     * {@code BatchSpanProcessor}); the calls per round. With a batch processor the process's CPU
     * time includes its export thread's, and the line says how many spans reached the exporter.
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("arguments: " + MODES + " <calls per round>");
        }
        ObservedPipelineBenchmark bench = new ObservedPipelineBenchmark();
        bench.setUp();
        int n = Integer.parseInt(args[1]);
        LongSupplier call = switch (args[0]) {
            case "bare" -> bench::bareCall;
            case "metrics" -> bench::metricsCall;
            case "traced" -> bench::tracedCall;
            case "both" -> bench::courierCall;
            case "floor" -> bench::sdkFloorCall;
            case "passing" -> bench::passingCall;
            case "meter-floor" -> bench::meterFloorCall;
            case "traced-batch" -> bench::tracedBatchCall;
            case "both-batch" -> bench::courierBatchCall;
            case "floor-batch" -> bench::sdkFloorBatchCall;
            case "floor-propagated" -> bench::sdkFloorPropagatedCall;
            default -> throw new IllegalArgumentException("call: " + args[0] + " (expected: " + MODES + ")");
        };
        boolean traced = args[0].startsWith("traced") || args[0].startsWith("both") || args[0].startsWith("floor");
        long[] exportedBefore = bench.exported();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long sink = 0;
        for (int i = 0; i < 10 * n; i++) {
            sink += call.getAsLong();
        }
        double[] thread = new double[ROUNDS];
        double[] process = new double[ROUNDS];
        double[] allocated = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long t0 = threads.getCurrentThreadCpuTime();
            long p0 = os.getProcessCpuTime();
            long a0 = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < n; i++) {
                sink += call.getAsLong();
            }
            thread[r] = (threads.getCurrentThreadCpuTime() - t0) / (double) n;
            process[r] = (os.getProcessCpuTime() - p0) / (double) n;
            allocated[r] = (threads.getCurrentThreadAllocatedBytes() - a0) / (double) n;
        }
        Arrays.sort(thread);
        Arrays.sort(process);
        Arrays.sort(allocated);
        long[] exported = bench.exported();
        int processor = args[0].endsWith("-batch") ? 1 : 0;
        String spans = !traced ? "" : String.format(", spans exported %d of %d calls",
                exported[processor] - exportedBefore[processor], (10L + ROUNDS) * n);
        System.out.printf("%s: thread CPU %.1f ns/call (median of %d rounds of %d; min %.1f), process CPU %.1f ns/call"
                + " (min %.1f), allocated %.0f B/call%s [%d]%n", args[0], thread[ROUNDS / 2], ROUNDS, n, thread[0],
                process[ROUNDS / 2], process[0], allocated[ROUNDS / 2], spans, sink % 10);
        bench.tearDown();
        System.exit(0); // whatever threads the SDK or a transport left behind
    }
}
