package io.courier.bench.load;

import io.courier.kafka.embedded.EmbeddedKafka;

/**
 * The outbox scenario's rate mode alone, for profiling and before/after comparisons: {@code
 * OutboxRun <polling|tailing> <messages/s> [per transaction (1)] [seconds (10)] [rounds (2)]},
 * one warm-up round of the same length first, not printed; or its backlog mode alone: {@code
 * OutboxRun <polling|tailing> backlog <rows> [rounds (2)]}.
 */
public final class OutboxRun {
    private OutboxRun() {
    }

    public static void main(String[] args) throws Exception {
        OutboxLoad.Relay relay = OutboxLoad.Relay.valueOf(args[0].toUpperCase());
        if (args[1].equals("backlog")) {
            backlog(relay, Integer.parseInt(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 2);
            return;
        }
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

    private static void backlog(OutboxLoad.Relay relay, int rows, int rounds) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            for (int round = 0; round < rounds; round++) {
                Measurement m = OutboxLoad.backlog(relay, kafka.bootstrapServers(), rows);
                System.out.printf("%s %s round %d: %.0f rows/s handled, errors %d%n", m.variant(), m.mode(), round + 1,
                        m.throughput(), m.errors());
            }
        }
        System.exit(0);
    }
}
