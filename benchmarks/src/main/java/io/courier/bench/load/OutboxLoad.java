package io.courier.bench.load;

import io.courier.json.JsonCodec;
import io.courier.kafka.KafkaBroker;
import io.courier.kafka.KafkaConfig;
import io.courier.messaging.Messaging;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.MessageBroker;
import io.courier.outbox.Outbox;
import io.courier.outbox.OutboxRelay;
import io.courier.outbox.OutboxSchema;
import io.courier.outbox.tailing.LogTailingRelay;
import io.courier.outbox.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The transactional outbox end to end: writer threads commit a business row and an outbox row
 * per transaction (through {@code Outbox.broker} and {@code Messaging.publish}, as an application
 * does) into PostgreSQL; a relay publishes the rows to Kafka (embedded, in this JVM); a Courier
 * subscriber handles them. Two relays: the polling one ({@link OutboxRelay}) and the log-tailing
 * one ({@link LogTailingRelay}).
 *
 * <ul>
 *   <li><b>rate</b>: the writers commit {@code rate} messages a second for the window, one
 *       business row and {@code perTransaction} outbox rows per transaction (mode
 *       {@code rate-<n>} for one, {@code rate-<n>-<k>-per-tx} for more); latency is from the
 *       commit returning to the writer to the handler's call (one JVM, one clock), every message
 *       counted. The writers' committed rate is printed, and whether it fell short of the aim,
 *       with this JVM's CPU time per message by thread group.</li>
 *   <li><b>backlog</b>: {@code backlog} rows are written while no relay runs; the relay then
 *       starts and the throughput is rows handled per second until the last one: the relay's
 *       own ceiling, not the writers'.</li>
 * </ul>
 */
final class OutboxLoad {
    /** The event: ~100 bytes of JSON, its sequence number naming its commit time. */
    record Placed(int sequence, String text) {
    }

    private static final String TEXT = "the quick brown fox jumps over the lazy dog";
    private static final int KEYS = 64;
    private static final int WRITERS = Integer.getInteger("bench.outbox.writers", 16);
    /**
     * The relay's Kafka producer's linger: 1 ms (the {@code KafkaBroker} default, 5 ms, would add
     * up to 5 ms to every batch the polling relay waits for, and to every row the tailing one sends).
     */
    private static final Duration RELAY_LINGER = Duration.ofMillis(Long.getLong("bench.outbox.relayLingerMs", 1));
    /** TLS on loopback costs both sides CPU that a relay next to its database would not pay: off unless asked. */
    private static final String SSL_MODE = System.getProperty("bench.outbox.sslmode", "disable");
    private static final String INSERT_ORDER = "INSERT INTO bench_orders (customer, amount) VALUES (?, ?)";
    private static final String[] CUSTOMERS = new String[KEYS];
    private static final String[] PARTITION_KEYS = new String[KEYS];
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    static {
        for (int k = 0; k < KEYS; k++) {
            CUSTOMERS[k] = "customer-" + k;
            PARTITION_KEYS[k] = "key-" + k;
        }
    }

    enum Relay { POLLING, TAILING }

    private OutboxLoad() {
    }

    /**
     * The writers at {@code rate} messages a second for {@code seconds}, {@code perTransaction}
     * messages in each transaction; commit-to-handler latency of every message.
     */
    static Measurement rate(Relay relay, String kafka, int rate, int perTransaction, double seconds) throws Exception {
        int transactions = (int) (rate * seconds / perTransaction);
        int total = transactions * perTransaction;
        long[] committed = new long[total];
        long[] handled = new long[total];
        long[] relayed = new long[total];
        AtomicLong count = new AtomicLong();
        try (Setup s = new Setup(relay, kafka, (seq, now) -> {
            handled[seq] = now;
            count.incrementAndGet();
        }, relayed)) {
            s.startRelay();
            ThreadCpu cpu = ThreadCpu.start();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            long interval = TimeUnit.SECONDS.toNanos(1) * perTransaction / rate;
            AtomicInteger next = new AtomicInteger();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                writers.add(Thread.ofPlatform().name("bench-writer-" + w).start(() -> {
                    long cpuStart = CPU.getCurrentThreadCpuTime();
                    try (Connection c = s.connect();
                         PreparedStatement order = c.prepareStatement(INSERT_ORDER)) {
                        c.setAutoCommit(false);
                        int tx;
                        while ((tx = next.getAndIncrement()) < transactions) {
                            long due = start + tx * interval;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            int first = tx * perTransaction;
                            s.write(c, order, first, first + perTransaction);
                            long now = System.nanoTime();
                            for (int seq = first; seq < first + perTransaction; seq++) {
                                committed[seq] = now;
                            }
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        cpu.add("bench-writer-#", CPU.getCurrentThreadCpuTime() - cpuStart);
                    }
                }));
            }
            for (Thread t : writers) {
                t.join();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (count.get() < total && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            System.out.println("    " + cpu.perMessage(count.get()));
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            Histogram toRelay = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            Histogram toHandler = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            for (int i = 0; i < total; i++) {
                if (relayed[i] != 0 && committed[i] != 0) {
                    toRelay.recordValue(Math.max(0, relayed[i] - committed[i]));
                }
                if (relayed[i] != 0 && handled[i] != 0) {
                    toHandler.recordValue(Math.max(0, handled[i] - relayed[i]));
                }
            }
            System.out.printf("    of which commit to the relay's send: p50 %.1f ms, p99 %.1f ms;"
                            + " the relay's send to the handler: p50 %.1f ms, p99 %.1f ms%n",
                    toRelay.getValueAtPercentile(50) / 1e6, toRelay.getValueAtPercentile(99) / 1e6,
                    toHandler.getValueAtPercentile(50) / 1e6, toHandler.getValueAtPercentile(99) / 1e6);
            long errors = total - count.get();
            long first = Long.MAX_VALUE;
            long lastCommit = 0;
            long last = 0;
            for (int i = 0; i < total; i++) {
                if (handled[i] != 0) {
                    // A handler may run before its writer noted the commit's return: latency 0.
                    h.recordValue(Math.max(0, handled[i] - committed[i]));
                    first = Math.min(first, committed[i]);
                    last = Math.max(last, handled[i]);
                }
                lastCommit = Math.max(lastCommit, committed[i]);
            }
            double committedPerSecond = total / Math.max(1e-9, (lastCommit - start) / 1e9);
            boolean short_ = committedPerSecond < rate * 0.97;
            System.out.printf("    writers (%d): %.0f messages/s committed (%.0f transactions/s of %d messages) against"
                            + " %d/s aimed at%s%n", WRITERS, committedPerSecond, committedPerSecond / perTransaction,
                    perTransaction, rate, short_ ? ": SHORT of the rate, the latency is not at " + rate + "/s" : "");
            double window = (last - first) / 1e9;
            return Measurement.of(name(relay), rateMode(rate, perTransaction), h, errors, window);
        }
    }

    /** {@code rate-5000} for one message per transaction, {@code rate-5000-2-per-tx} for two. */
    static String rateMode(int rate, int perTransaction) {
        return "rate-" + rate + (perTransaction == 1 ? "" : "-" + perTransaction + "-per-tx");
    }

    /** {@code backlog} rows written first, then the relay started: rows handled per second. */
    static Measurement backlog(Relay relay, String kafka, int backlog) throws Exception {
        AtomicLong count = new AtomicLong();
        AtomicLong last = new AtomicLong();
        try (Setup s = new Setup(relay, kafka, (seq, now) -> {
            count.incrementAndGet();
            last.accumulateAndGet(now, Math::max);
        }, null)) {
            if (relay == Relay.TAILING) {
                s.startRelay(); // create the slot, so the rows are read from the log, not the table
                while (!s.tailing.isActive()) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                s.tailing.close();
            }
            AtomicInteger next = new AtomicInteger();
            List<Thread> writers = new ArrayList<>();
            int perTransaction = 50;
            for (int w = 0; w < WRITERS / 2; w++) {
                writers.add(Thread.ofPlatform().start(() -> {
                    try (Connection c = s.connect()) {
                        c.setAutoCommit(false);
                        int from;
                        while ((from = next.getAndAdd(perTransaction)) < backlog) {
                            s.writeMany(c, from, Math.min(backlog, from + perTransaction));
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (Thread t : writers) {
                t.join();
            }
            long start = System.nanoTime();
            s.startRelay();
            long deadline = start + TimeUnit.SECONDS.toNanos(120);
            while (count.get() < backlog && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            Histogram h = new Histogram(3);
            h.recordValue(0);
            double window = (last.get() - start) / 1e9;
            return new Measurement(name(relay), "backlog-" + backlog, count.get(), backlog - count.get(), window, 0, 0, 0);
        }
    }

    private static String name(Relay relay) {
        return relay == Relay.POLLING ? "outbox-polling" : "outbox-tailing";
    }

    interface Handled {
        void handled(int sequence, long nanos);
    }

    /** A database of its own with the outbox schema, Kafka clients, the subscriber; the relay on demand. */
    private static final class Setup implements AutoCloseable {
        final TestPostgres.Database db;
        final Outbox outbox;
        final KafkaBroker broker;
        final KafkaBroker relayKafka;
        final String jdbcUrl;
        final org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
        final Messaging sender;
        final Messaging receiver;
        final Subscription subscription;
        final String topic = "outbox-bench-" + UUID.randomUUID().toString().substring(0, 8);
        final Relay relay;
        OutboxRelay polling;
        LogTailingRelay tailing;

        /** The relay's broker: notes when the relay sends each message, by sequence, when {@code relayed} is given. */
        private MessageBroker relayBroker;

        Setup(Relay relay, String kafka, Handled handled, long[] relayed) {
            this.relay = relay;
            this.db = TestPostgres.shared().createDatabase("courier_bench");
            OutboxSchema.create(db.dataSource());
            db.execute("CREATE TABLE bench_orders (id bigserial PRIMARY KEY, customer text NOT NULL, amount bigint NOT NULL)");
            this.jdbcUrl = db.jdbcUrl() + "?sslmode=" + SSL_MODE;
            dataSource.setURL(jdbcUrl);
            dataSource.setUser("postgres");
            this.outbox = Outbox.builder().dataSource(dataSource).build();
            this.broker = KafkaBroker.create(KafkaConfig.builder().bootstrapServers(kafka).partitions(8).build());
            this.relayKafka = KafkaBroker.create(KafkaConfig.builder().bootstrapServers(kafka).partitions(8)
                    .linger(RELAY_LINGER).clientId("bench-relay").build());
            this.sender = Messaging.builder().name("bench-writer").broker(outbox.broker(broker)).codec(JsonCodec.create()).build();
            this.receiver = Messaging.builder().name("bench-subscriber").broker(broker).codec(JsonCodec.create()).build();
            this.subscription = receiver.subscribe(topic, Placed.class, "bench",
                    placed -> handled.handled(placed.sequence(), System.nanoTime()));
            this.relayBroker = relayed == null ? relayKafka : new MessageBroker() {
                @Override
                public java.util.concurrent.CompletableFuture<Void> send(io.courier.messaging.Message message) {
                    int seq = sequence(message.payload());
                    if (seq >= 0 && seq < relayed.length && relayed[seq] == 0) {
                        relayed[seq] = System.nanoTime();
                    }
                    return relayKafka.send(message);
                }

                @Override
                public Subscription subscribe(String channel, String group, io.courier.messaging.spi.DeliveryHandler h) {
                    return relayKafka.subscribe(channel, group, h);
                }

                @Override
                public void close() {
                }
            };
        }

        Connection connect() throws SQLException {
            return dataSource.getConnection();
        }

        void startRelay() {
            if (relay == Relay.POLLING) {
                polling = outbox.relay(relayBroker).start();
            } else {
                tailing = LogTailingRelay.builder().jdbcUrl(jdbcUrl).property("user", "postgres").broker(relayBroker)
                        .outbox(outbox).slot("bench_" + db.name()).build().start();
            }
        }

        /** One transaction: the business row and the events {@code from} to {@code to} about it. */
        void write(Connection c, PreparedStatement order, int from, int to) throws SQLException {
            order.setString(1, CUSTOMERS[from % KEYS]);
            order.setLong(2, from);
            order.executeUpdate();
            outbox.inTransaction(c, () -> {
                for (int seq = from; seq < to; seq++) {
                    sender.publish(topic, new Placed(seq, TEXT), PARTITION_KEYS[seq % KEYS]);
                }
            });
            c.commit();
        }

        /** The sequence number of a {@code Placed} event's JSON ({@code {"sequence":123,...}}), -1 when absent. */
        private static int sequence(byte[] json) {
            int i = 0;
            while (i < json.length && json[i] != ':') {
                i++;
            }
            int n = 0;
            boolean any = false;
            for (i++; i < json.length && json[i] >= '0' && json[i] <= '9'; i++) {
                n = n * 10 + (json[i] - '0');
                any = true;
            }
            return any ? n : -1;
        }

        void writeMany(Connection c, int from, int to) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(INSERT_ORDER)) {
                for (int seq = from; seq < to; seq++) {
                    ps.setString(1, CUSTOMERS[seq % KEYS]);
                    ps.setLong(2, seq);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            outbox.inTransaction(c, () -> {
                for (int seq = from; seq < to; seq++) {
                    sender.publish(topic, new Placed(seq, TEXT), PARTITION_KEYS[seq % KEYS]);
                }
            });
            c.commit();
        }

        @Override
        public void close() {
            if (polling != null) {
                polling.close();
            }
            if (tailing != null) {
                tailing.close();
            }
            subscription.close();
            receiver.close();
            sender.close();
            broker.close();
            relayKafka.close();
            db.close();
        }
    }
}
