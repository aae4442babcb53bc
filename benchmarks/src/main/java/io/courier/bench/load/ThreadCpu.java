package io.courier.bench.load;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time of this JVM's threads over a window, grouped by thread name (digits folded, so the
 * 16 writers are one group), plus the garbage collectors' time: where a load scenario's CPU goes
 * without a profiler. A thread that ends inside the window is missed unless it reports its own
 * time ({@link #add}).
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> startByThread = new HashMap<>();
    private final Map<String, Long> reported = new HashMap<>();
    private final long startProcess;
    private final long startGcMillis;

    private ThreadCpu() {
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            if (cpu >= 0) {
                startByThread.put(id, cpu);
            }
        }
        startProcess = processCpuNanos();
        startGcMillis = gcMillis();
    }

    /** Starts a window now. */
    static ThreadCpu start() {
        return new ThreadCpu();
    }

    /** Adds the CPU time a thread measured of itself (for threads that end inside the window). */
    synchronized void add(String group, long nanos) {
        reported.merge(group, nanos, Long::sum);
    }

    /** One line: the process's CPU per message, then the largest groups' and the GC's. */
    synchronized String perMessage(long messages) {
        Map<String, Long> groups = new HashMap<>(reported);
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue;
            }
            long used = cpu - startByThread.getOrDefault(info.getThreadId(), 0L);
            groups.merge(group(info.getThreadName()), used, Long::sum);
        }
        long process = processCpuNanos() - startProcess;
        Map<String, Long> top = groups.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(8)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        double per = Math.max(1, messages);
        StringBuilder s = new StringBuilder(String.format("CPU of this JVM per message: %.1f us (GC %.1f us);",
                process / 1e3 / per, (gcMillis() - startGcMillis) * 1e3 / per));
        top.forEach((name, nanos) -> s.append(String.format(" %s %.1f,", name, nanos / 1e3 / per)));
        s.setLength(s.length() - 1);
        return s.toString();
    }

    private static String group(String threadName) {
        return threadName.replaceAll("\\d+", "#").replaceAll("-[0-9a-f]{8}\\b", "-*");
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
