package io.courier.bench.load;

import io.courier.Courier;
import io.courier.grpc.GrpcTransportFactory;
import java.net.URI;
import java.util.List;

/**
 * One server of a load scenario under the closed loop of 64 in flight, its JVM started with the
 * flags given (a profiler agent): what {@code benchmarks/profile} runs. The server writes its
 * profile when it exits, after the load.
 *
 * <pre>{@code ProfileMain courier-grpc 20 -agentpath:/path/libasyncProfiler.so=start,event=cpu,file=cpu.html}</pre>
 */
public final class ProfileMain {
    private static final int IN_FLIGHT = Integer.getInteger("bench.inflight", 64);
    private static final int GRPC_CONNECTIONS = Integer.getInteger("bench.grpc.connections", 2);
    /** Seconds of load before the measured ones (default none: the profile covers the start too). */
    private static final double WARMUP = Double.parseDouble(System.getProperty("bench.warmup", "0"));

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
        if (RestClients.COURIER.contains(variant) || RestClients.VERTX.contains(variant)) {
            report(restClient(variant, seconds));
            return;
        }
        if (variant.endsWith("-client") || variant.endsWith("-client-blocking")) {
            report(client(variant, seconds));
            return;
        }
        String kind = variant.endsWith("-async") ? variant.substring(0, variant.length() - "-async".length()) : variant;
        Measurement m;
        try (ServerProcess server = ServerProcess.start(kind, flags)) {
            if (variant.equals("tcp-echo")) {
                try (TcpLoad load = new TcpLoad(server.port())) {
                    m = load.closedLoop(variant, IN_FLIGHT, WARMUP, seconds);
                }
            } else if (kind.contains("grpc") || kind.equals("vertx-h2c")) {
                try (GrpcLoad load = new GrpcLoad(server.port(), GRPC_CONNECTIONS)) {
                    String rpc = variant.endsWith("-async") ? "EchoAsync" : "Echo";
                    m = AsyncLoad.closedLoop(variant, load.sender(rpc), IN_FLIGHT, WARMUP, seconds);
                }
            } else {
                try (HttpLoad load = new HttpLoad(server.port(), IN_FLIGHT)) {
                    m = load.closedLoop(variant, IN_FLIGHT, WARMUP, seconds);
                }
            }
        }
        report(m);
    }

    /**
     * A gRPC client of the {@code grpc-client} scenario ({@code courier-grpc-client},
     * {@code courier-grpc-client-blocking} on virtual threads, {@code grpc-java-client}) calling
     * grpc-java's server in its own JVM: the profiler is this JVM's own ({@code benchmarks/profile}
     * puts the agent on it).
     */
    private static Measurement client(String variant, double seconds) throws Exception {
        try (ServerProcess server = ServerProcess.start("grpc-java-direct")) {
            if (variant.equals("grpc-java-client")) {
                try (GrpcLoad load = new GrpcLoad(server.port(), GRPC_CONNECTIONS)) {
                    return AsyncLoad.closedLoop(variant, load.sender("EchoAsync"), IN_FLIGHT, WARMUP, seconds);
                }
            }
            try (Courier courier = Courier.builder().name("bench-client")
                    .transport(GrpcTransportFactory.builder().build()).build()) {
                Unary unary = courier.client(Unary.class).target(URI.create("grpc://127.0.0.1:" + server.port())).build();
                Payload sample = Payload.sample();
                return variant.equals("courier-grpc-client")
                        ? AsyncLoad.closedLoop(variant, () -> unary.echoAsync(sample), IN_FLIGHT, WARMUP, seconds)
                        : AsyncLoad.closedLoopBlocking(variant, () -> unary.echo(sample), IN_FLIGHT, WARMUP, seconds);
            }
        }
    }

    /** A REST client of the {@code rest-client} scenario calling plain Vert.x's server; this JVM profiled. */
    private static Measurement restClient(String variant, double seconds) throws Exception {
        try (ServerProcess server = ServerProcess.start("vertx-rest");
             RestClients client = RestClients.open(variant, server.port(),
                     variant.endsWith("-h2") ? GRPC_CONNECTIONS : IN_FLIGHT)) {
            return variant.contains("-blocking")
                    ? AsyncLoad.closedLoopBlocking(variant, client.blocking(), IN_FLIGHT, WARMUP, seconds)
                    : AsyncLoad.closedLoop(variant, client.sender(), IN_FLIGHT, WARMUP, seconds);
        }
    }

    private static void report(Measurement m) {
        System.out.printf("%s: %.0f req/s, p50 %.0f us, p99 %.0f us, errors %d under the profiler%n", m.variant(),
                m.throughput(), m.p50Micros(), m.p99Micros(), m.errors());
    }
}
