package io.courier.bench.load;

import java.util.List;

/**
 * One server of a load scenario under the closed loop of 64 in flight, its JVM started with the
 * flags given (a profiler agent): what {@code benchmarks/profile} runs. The server writes its
 * profile when it exits, after the load.
 *
 * <pre>{@code ProfileMain courier-grpc 20 -agentpath:/path/libasyncProfiler.so=start,event=cpu,file=cpu.html}</pre>
 */
public final class ProfileMain {
    private static final int IN_FLIGHT = 64;
    private static final int GRPC_CONNECTIONS = Integer.getInteger("bench.grpc.connections", 2);

    private ProfileMain() {
    }

    /** Arguments: the variant (as the scenarios name them), the seconds of load, then the server's extra JVM flags. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ProfileMain <variant> <seconds> [server JVM flags...]");
            System.exit(2);
        }
        String variant = args[0];
        double seconds = Double.parseDouble(args[1]);
        List<String> flags = List.of(args).subList(2, args.length);
        String kind = variant.startsWith("courier-grpc") ? "courier-grpc" : variant;
        Measurement m;
        try (ServerProcess server = ServerProcess.start(kind, flags)) {
            if (variant.equals("tcp-echo")) {
                try (TcpLoad load = new TcpLoad(server.port())) {
                    m = load.closedLoop(variant, IN_FLIGHT, 0, seconds);
                }
            } else if (kind.contains("grpc") || kind.equals("vertx-h2c")) {
                try (GrpcLoad load = new GrpcLoad(server.port(), GRPC_CONNECTIONS)) {
                    String rpc = variant.equals("courier-grpc-async") ? "EchoAsync" : "Echo";
                    m = AsyncLoad.closedLoop(variant, load.sender(rpc), IN_FLIGHT, 0, seconds);
                }
            } else {
                try (HttpLoad load = new HttpLoad(server.port(), IN_FLIGHT)) {
                    m = load.closedLoop(variant, IN_FLIGHT, 0, seconds);
                }
            }
        }
        System.out.printf("%s: %.0f req/s, p50 %.0f us, p99 %.0f us, errors %d under the profiler%n", variant,
                m.throughput(), m.p50Micros(), m.p99Micros(), m.errors());
    }
}
