package io.courier.bench;

import java.util.Map;
import java.util.Optional;

/**
 * The figures the project aims at (issues 7 and 14), as bounds on ratio lines. A miss is a finding to
 * act on, not a failed run: the harness reports it and goes on.
 */
public final class Targets {
    private Targets() {
    }

    /**
     * A bound on a ratio.
     *
     * @param atLeast true for {@code >= value} (throughput, JMH speed), false for {@code <= value} (latency)
     * @param value   the bound
     */
    public record Target(boolean atLeast, double value) {
        /** Whether {@code ratio} meets the bound. */
        public boolean met(double ratio) {
            return atLeast ? ratio >= value : ratio <= value;
        }

        @Override
        public String toString() {
            return (atLeast ? ">= " : "<= ") + value;
        }
    }

    /** The target of the ratio named {@code ratio}, if the project set one. */
    public static Optional<Target> of(String ratio) {
        if (ratio.equals("grpc-throughput-vs-grpc-java-direct")) {
            return Optional.of(new Target(true, 1.0));
        }
        if (ratio.startsWith("grpc-p99-at-") && ratio.endsWith("-vs-grpc-java-direct")) {
            return Optional.of(new Target(false, 1.0));
        }
        if (ratio.equals("rest-throughput-vs-vertx") || ratio.equals("rest-nonblocking-throughput-vs-vertx")) {
            return Optional.of(new Target(true, 0.9));
        }
        if (ratio.equals("grpc-async-throughput-vs-grpc-java-direct")) {
            return Optional.of(new Target(true, 1.1));
        }
        if (ratio.equals("grpc-client-throughput-vs-grpc-java-client")) {
            return Optional.of(new Target(true, 1.0));
        }
        if (ratio.equals("grpc-client-blocking-throughput-vs-grpc-java-client")) {
            return Optional.of(new Target(true, 0.9));
        }
        if (ratio.equals("grpc-p50-c1-vs-tcp-floor") || ratio.equals("grpc-async-p50-c1-vs-tcp-floor")
                || ratio.equals("rest-p50-c1-vs-tcp-floor") || ratio.equals("rest-nonblocking-p50-c1-vs-tcp-floor")) {
            // One request in flight: Courier's latency at most twice the raw TCP round trip's.
            return Optional.of(new Target(false, 2.0));
        }
        if (ratio.startsWith("ProtobufCodec-") && ratio.endsWith("-vs-protoc")) {
            return Optional.of(new Target(true, 0.9));
        }
        if (ratio.startsWith("JsonCodec-") && ratio.endsWith("-vs-jackson")) {
            return Optional.of(new Target(true, 0.95));
        }
        if (ratio.equals("rest-throughput-vs-spring")) {
            return Optional.of(new Target(true, 2.0));
        }
        if (ratio.startsWith("CircuitBreaker-") && ratio.contains("-vs-resilience4j")) {
            // JMH ratios are peer time / Courier time: 1.0 or more is "no slower".
            return Optional.of(new Target(true, 1.0));
        }
        if (ratio.equals("kafka-throughput-vs-kafka-clients") || ratio.equals("courier-rabbitmq-vs-amqp-client")) {
            return Optional.of(new Target(true, 0.9));
        }
        if (ratio.startsWith("outbox-") && ratio.endsWith("-throughput-vs-20000")) {
            return Optional.of(new Target(true, 1.0));
        }
        if (ratio.startsWith("outbox-") && ratio.contains("-p99-at-")) {
            return Optional.of(new Target(false, 1.0));
        }
        return Optional.empty();
    }

    /** Prints a {@code target} line for each ratio that has one. */
    public static void print(Map<String, Double> ratios) {
        ratios.forEach((name, value) -> of(name).ifPresent(t -> System.out.printf("target %s: %s, measured %s: %s%n",
                name, t, Report.ratio(value), t.met(value) ? "met" : "MISSED")));
    }
}
