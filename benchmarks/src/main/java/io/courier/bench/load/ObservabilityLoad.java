package io.courier.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code observability} scenario: the Courier REST service of {@code rest} and the gRPC
 * service of {@code grpc}, each served plain and with metrics and tracing on
 * ({@link ObservedServers}: a Prometheus registry and the OpenTelemetry SDK with an exporter that
 * drops every span), alternating plain/observed rounds in one run, each server in its own JVM,
 * the same load generators as those scenarios. Ratios: {@code rest-observed-vs-plain} and
 * {@code grpc-observed-vs-plain} (throughput at 64 in flight) and their {@code -p99-at-<rate>}
 * (the open loop's p99).
 */
final class ObservabilityLoad {
    /** What the harness does with a measurement: the parts of {@link LoadMain} this scenario uses. */
    interface Harness {
        Measurement record(Measurement m);

        void progress(String variant, int round, String what);

        void table(String title, List<Measurement> closed, List<Measurement> open);

        void ratio(String name, double value);

        double median(List<Measurement> ms, String variant, boolean throughput);
    }

    private ObservabilityLoad() {
    }

    static void run(Harness h, int rounds, int inFlight, int rate, int grpcConnections, double warmup, double seconds)
            throws Exception {
        List<Measurement> closed = new ArrayList<>();
        List<Measurement> open = new ArrayList<>();
        List<String> variants = List.of("courier-rest", "courier-rest-observed", "courier-grpc", "courier-grpc-observed");
        for (int round = 0; round < rounds; round++) {
            // Plain first, then observed; the next round the other way: neither always gets the warmer machine.
            for (String variant : round % 2 == 0 ? variants : variants.reversed()) {
                try (ServerProcess server = ServerProcess.start(variant)) {
                    h.progress(variant, round, "closed loop, " + inFlight + " in flight");
                    if (variant.startsWith("courier-rest")) {
                        try (HttpLoad load = new HttpLoad(server.port(), inFlight)) {
                            closed.add(h.record(load.closedLoop(variant, inFlight, warmup, seconds)));
                            h.progress(variant, round, "open loop, " + rate + " req/s");
                            open.add(h.record(load.openLoop(variant, rate, warmup, seconds)));
                        }
                    } else {
                        try (GrpcLoad load = new GrpcLoad(server.port(), grpcConnections)) {
                            closed.add(h.record(AsyncLoad.closedLoop(variant, load.sender("Echo"), inFlight, warmup,
                                    seconds)));
                            h.progress(variant, round, "open loop, " + rate + " req/s");
                            open.add(h.record(AsyncLoad.openLoop(variant, load.sender("Echo"), rate, warmup, seconds)));
                        }
                    }
                }
            }
        }
        h.table("observability: the rest and grpc echo services, plain and with metrics and tracing (Prometheus registry, "
                + "OpenTelemetry SDK, every span sampled, a no-op exporter)", closed, open);
        for (String transport : List.of("rest", "grpc")) {
            String plain = "courier-" + transport;
            String observed = plain + "-observed";
            h.ratio(transport + "-observed-vs-plain", h.median(closed, observed, true) / h.median(closed, plain, true));
            h.ratio(transport + "-observed-vs-plain-p99-at-" + rate, h.median(open, observed, false)
                    / h.median(open, plain, false));
        }
    }
}
