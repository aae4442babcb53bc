package io.courier.bench.load;

import io.courier.kafka.embedded.EmbeddedKafka;

/**
 * The outbox scenario's rate mode alone, for profiling and before/after comparisons: {@code
 * OutboxRun <polling|tailing> <messages/s> [per transaction (1)] [seconds (10)] [rounds (2)]},
 * one warm-up round of the same length first, not printed.
 */
public final class OutboxRun {
    private OutboxRun() {
    }

    public static void main(String[] args) throws Exception {
        OutboxLoad.Relay relay = OutboxLoad.Relay.valueOf(args[0].toUpperCase());
        int rate = Integer.parseInt(args[1]);
        int perTransaction = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 10;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            OutboxLoad.rate(relay, kafka.bootstrapServers(), rate, perTransaction, seconds);
            for (int round = 0; round < rounds; round++) {
                Measurement m = OutboxLoad.rate(relay, kafka.bootstrapServers(), rate, perTransaction, seconds);
                System.out.printf("%s %s round %d: %.0f messages/s handled, p50 %.1f ms, p99 %.1f ms, errors %d%n",
                        m.variant(), m.mode(), round + 1, m.throughput(), m.p50Micros() / 1000, m.p99Micros() / 1000,
                        m.errors());
            }
        }
        System.exit(0);
    }
}
