package io.courier.bench.jmh;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The JMH benchmarks of one class measured in thread CPU time instead of elapsed time, for a
 * machine shared with other work: elapsed time per operation there measures the scheduler (a
 * JSON decode reads 60 to 140 µs under a load average of 60 on 2 cores, 2 µs on a quiet
 * machine), while the CPU time a thread spends per operation moves far less. Each
 * {@code courierX} and {@code <peer>X} benchmark runs in batches interleaved with the others, in
 * one JVM, for the given rounds, which also note the bytes allocated per operation; a ratio is
 * the median over the rounds of the peer's CPU time
 * over Courier's in the same round, so above 1.0 Courier is faster, as in {@link JmhMain}.
 * Benchmarks are called through a method handle, which adds the same few nanoseconds to both
 * sides. Not a replacement for JMH on a quiet machine; a way to compare in the same run on a busy one.
 *
 * <pre>{@code java -cp ... io.courier.bench.jmh.CpuTimeMain io.courier.bench.jmh.ProtobufCodecBenchmark 100000 20}</pre>
 */
public final class CpuTimeMain {
    private static volatile Object sink;

    private CpuTimeMain() {
    }

    /** Arguments: the benchmark class, operations per batch (100,000), rounds (20). */
    public static void main(String[] args) throws Throwable {
        Class<?> type = Class.forName(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Object state = type.getConstructor().newInstance();
        List<String> names = new ArrayList<>();
        List<MethodHandle> calls = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(Setup.class)) {
                m.invoke(state);
            }
        }
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(Benchmark.class) && m.getParameterCount() == 0) {
                names.add(m.getName());
                calls.add(MethodHandles.publicLookup().unreflect(m).bindTo(state)
                        .asType(MethodType.methodType(Object.class)));
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int warm = 0; warm < 5; warm++) {
            for (MethodHandle call : calls) {
                run(call, batch);
            }
        }
        double[][] perOp = new double[calls.size()][rounds];
        double[][] bytesPerOp = new double[calls.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < calls.size(); i++) {
                long allocated = allocatedBytes(threads);
                long start = threads.getCurrentThreadCpuTime();
                run(calls.get(i), batch);
                perOp[i][r] = (threads.getCurrentThreadCpuTime() - start) / (double) batch;
                bytesPerOp[i][r] = (allocatedBytes(threads) - allocated) / (double) batch;
            }
        }
        System.out.printf("load average %s, %d rounds of %d operations%n", loadAverage(), rounds, batch);
        for (int i = 0; i < calls.size(); i++) {
            System.out.printf("  %-20s %10.1f ns CPU/op (median of rounds) %8.0f B/op%n", names.get(i),
                    median(perOp[i]), median(bytesPerOp[i]));
        }
        String prefix = type.getSimpleName().replace("Benchmark", "");
        for (int c = 0; c < calls.size(); c++) {
            if (!names.get(c).startsWith("courier")) {
                continue;
            }
            String op = names.get(c).substring("courier".length());
            for (int p = 0; p < calls.size(); p++) {
                if (p != c && !names.get(p).startsWith("courier") && names.get(p).endsWith(op)) {
                    double[] ratios = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratios[r] = perOp[p][r] / perOp[c][r];
                    }
                    Arrays.sort(ratios);
                    String peer = names.get(p).substring(0, names.get(p).length() - op.length());
                    System.out.printf("cpu-ratio %s-%s-vs-%s: %.2f (rounds from %.2f to %.2f)%n", prefix,
                            op.toLowerCase(), peer, median(ratios), ratios[0], ratios[rounds - 1]);
                }
            }
        }
    }

    private static void run(MethodHandle call, int times) throws Throwable {
        for (int i = 0; i < times; i++) {
            sink = (Object) call.invokeExact();
        }
    }

    /** The bytes the current thread allocated so far, or 0 where the JVM does not tell. */
    private static long allocatedBytes(ThreadMXBean threads) {
        return threads instanceof com.sun.management.ThreadMXBean t ? t.getCurrentThreadAllocatedBytes() : 0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
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
