package io.courier.bench.load;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CPU time and heap allocation per call, the figures a busy machine does not skew (unlike
 * throughput): a fixed number of calls, 64 in flight, and what the measured JVM spent on them.
 * A server variant ({@code courier-grpc}, {@code courier-grpc-async}, {@code courier-grpc-rest-port(-async)}
 * (gRPC on the REST port), {@code courier-grpc-observed},
 * {@code courier-grpc-observed-async}, {@code vertx-grpc},
 * {@code vertx-h2c}, {@code grpc-java-direct}, {@code grpc-java-default}, {@code grpc-java-virtual},
 * {@code courier-rest}, {@code courier-rest-nonblocking}, {@code vertx-rest}) runs in its own JVM
 * under the grpc-java (or Vert.x HTTP) load generator, and its JVM's figures are measured; a
 * client variant ({@code courier-grpc-client}, {@code courier-grpc-client-blocking} from 64
 * virtual threads, {@code grpc-java-client}) runs in this JVM against grpc-java's server
 * ({@code directExecutor()}), and this JVM's figures are measured; so does a REST client variant
 * ({@code courier-rest-client}, {@code courier-rest-client-blocking}, each also {@code -h2c}; {@code vertx-client},
 * {@code vertx-client-h2}: see {@link RestClients}), against plain Vert.x's server ({@code vertx-rest}). Process CPU includes the JIT
 * and the collector; each round comes after a warm-up of as many calls. {@code -Dbench.server.flags}
 * adds JVM flags to the server's (e.g. the virtual-thread scheduler's settings).
 *
 * <pre>{@code java -cp ... io.courier.bench.load.ServerCpuMain 200000 5 courier-grpc vertx-grpc grpc-java-direct}</pre>
 */
public final class ServerCpuMain {
    private static final int IN_FLIGHT = 64;
    private static final int GRPC_CONNECTIONS = Integer.getInteger("bench.grpc.connections", 2);
    /** Extra JVM flags of the server under test, space-separated: {@code -Dbench.server.flags=...}. */
    private static final List<String> SERVER_FLAGS = System.getProperty("bench.server.flags", "").isBlank() ? List.of()
            : List.of(System.getProperty("bench.server.flags").trim().split("\\s+"));

    private ServerCpuMain() {
    }

    /** Arguments: calls per round, rounds, then the variants. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ServerCpuMain <calls per round> <rounds> <variant>...");
            System.exit(2);
        }
        long calls = Long.parseLong(args[0]);
        int rounds = Integer.parseInt(args[1]);
        System.out.printf("load average %s%n", loadAverage());
        for (String variant : List.of(args).subList(2, args.length)) {
            double[][] figures = RestClients.COURIER.contains(variant) || RestClients.VERTX.contains(variant)
                    ? restClient(variant, calls, rounds)
                    : variant.endsWith("-client") || variant.endsWith("-client-blocking")
                    ? client(variant, calls, rounds) : server(variant, calls, rounds);
            System.out.printf("%-30s CPU %7.2f us/call (rounds %s), alloc %7.0f B/call (median of %d rounds of %d)%n",
                    variant, median(figures[0]), format(figures[0]), median(figures[1]), rounds, calls);
        }
        System.out.printf("load average %s%n", loadAverage());
        System.exit(0);
    }

    private static double[][] server(String variant, long calls, int rounds) throws Exception {
        String kind = variant.endsWith("-async") ? variant.substring(0, variant.length() - "-async".length()) : variant;
        double[] cpu = new double[rounds];
        double[] alloc = new double[rounds];
        try (ServerProcess server = ServerProcess.start(kind, SERVER_FLAGS)) {
            AutoCloseable load;
            AsyncLoad.Sender sender;
            if (kind.contains("grpc") || kind.equals("vertx-h2c")) {
                GrpcLoad grpc = new GrpcLoad(server.port(), GRPC_CONNECTIONS);
                load = grpc;
                sender = grpc.sender(variant.endsWith("-async") ? "EchoAsync" : "Echo");
            } else {
                HttpLoad http = new HttpLoad(server.port(), IN_FLIGHT);
                load = http;
                sender = http.sender();
            }
            try (load) {
                run(sender, calls);
                for (int r = 0; r < rounds; r++) {
                    long[] before = server.stats();
                    run(sender, calls);
                    long[] after = server.stats();
                    cpu[r] = (after[0] - before[0]) / 1e3 / calls;
                    alloc[r] = (after[1] - before[1]) / (double) calls;
                }
            }
        }
        return new double[][] {cpu, alloc};
    }

    private static double[][] client(String variant, long calls, int rounds) throws Exception {
        double[] cpu = new double[rounds];
        double[] alloc = new double[rounds];
        try (ServerProcess server = ServerProcess.start("grpc-java-direct")) {
            AutoCloseable resource;
            Runnable round;
            if (variant.equals("grpc-java-client")) {
                GrpcLoad grpc = new GrpcLoad(server.port(), GRPC_CONNECTIONS);
                resource = grpc;
                AsyncLoad.Sender sender = grpc.sender("EchoAsync");
                round = () -> run(sender, calls);
            } else {
                Courier courier = Courier.builder().name("bench-client").transport(GrpcTransportFactory.builder().build()).build();
                resource = courier;
                Unary unary = courier.client(Unary.class).target(URI.create("grpc://127.0.0.1:" + server.port())).build();
                Payload sample = Payload.sample();
                round = variant.equals("courier-grpc-client") ? () -> run(() -> unary.echoAsync(sample), calls)
                        : () -> runBlocking(() -> unary.echo(sample), calls);
            }
            try (resource) {
                measure(round, calls, cpu, alloc);
            }
        }
        return new double[][] {cpu, alloc};
    }

    /** A REST client of the {@code rest-client} scenario in this JVM, against plain Vert.x's server. */
    private static double[][] restClient(String variant, long calls, int rounds) throws Exception {
        double[] cpu = new double[rounds];
        double[] alloc = new double[rounds];
        try (ServerProcess server = ServerProcess.start("vertx-rest");
             RestClients client = RestClients.open(variant, server.port(),
                     variant.endsWith("-h2") ? GRPC_CONNECTIONS : IN_FLIGHT)) {
            Runnable round = variant.contains("-blocking") ? () -> runBlocking(client.blocking(), calls)
                    : () -> run(client.sender(), calls);
            measure(round, calls, cpu, alloc);
        }
        return new double[][] {cpu, alloc};
    }

    /** A warm-up {@code round}, then one per element of {@code cpu}: this JVM's CPU (us) and heap bytes per call. */
    private static void measure(Runnable round, long calls, double[] cpu, double[] alloc) {
        round.run();
        for (int r = 0; r < cpu.length; r++) {
            long cpu0 = ProcessStats.cpuNanos();
            long alloc0 = ProcessStats.allocatedBytes();
            round.run();
            cpu[r] = (ProcessStats.cpuNanos() - cpu0) / 1e3 / calls;
            alloc[r] = (ProcessStats.allocatedBytes() - alloc0) / (double) calls;
        }
    }

    /** {@code calls} calls, {@link #IN_FLIGHT} at a time; fails on the first failed call. */
    private static void run(AsyncLoad.Sender sender, long calls) {
        AtomicLong toStart = new AtomicLong(calls);
        AtomicLong toFinish = new AtomicLong(calls);
        CompletableFuture<Void> done = new CompletableFuture<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            lane(sender, toStart, toFinish, done);
        }
        done.join();
    }

    private static void lane(AsyncLoad.Sender sender, AtomicLong toStart, AtomicLong toFinish,
                             CompletableFuture<Void> done) {
        while (toStart.getAndDecrement() > 0) {
            CompletableFuture<?> call;
            try {
                CompletionStage<?> stage = sender.send();
                call = stage.toCompletableFuture();
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            if (call.isDone()) {
                if (finished(call.isCompletedExceptionally() ? call.exceptionNow() : null, toFinish, done)) {
                    return;
                }
                continue;
            }
            call.whenComplete((v, failure) -> {
                if (!finished(failure, toFinish, done)) {
                    lane(sender, toStart, toFinish, done);
                }
            });
            return;
        }
    }

    /** Counts one finished call; true when the loop is over (all done, or a failure). */
    private static boolean finished(Throwable failure, AtomicLong toFinish, CompletableFuture<Void> done) {
        if (failure != null) {
            done.completeExceptionally(failure);
            return true;
        }
        if (toFinish.decrementAndGet() == 0) {
            done.complete(null);
            return true;
        }
        return done.isDone();
    }

    /** {@code calls} blocking calls from {@link #IN_FLIGHT} virtual threads. */
    private static void runBlocking(Runnable call, long calls) {
        AtomicLong toStart = new AtomicLong(calls);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> lanes = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                lanes.add(threads.submit(() -> {
                    while (toStart.getAndDecrement() > 0) {
                        call.run();
                    }
                }));
            }
            for (var lane : lanes) {
                try {
                    lane.get();
                } catch (Exception e) {
                    throw new IllegalStateException("a blocking call failed: " + e, e);
                }
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String format(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.isEmpty() ? "" : " ").append(String.format("%.2f", v));
        }
        return b.toString();
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
