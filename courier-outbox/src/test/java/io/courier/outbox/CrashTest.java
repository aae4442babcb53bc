package io.courier.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.json.JsonCodec;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.outbox.CrashChild.Made;
import io.courier.test.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The outbox and the inbox under crashes: a service writes business rows and their messages in
 * one transaction each (one in ten rolled back), while two relays (outbox to Kafka, sharing the
 * partitions) and the consumer (Kafka to an effects table, through the inbox) run in child JVMs
 * that are killed with {@code destroyForcibly} (SIGKILL) at random points and started again
 * (a relay's partitions go to the other meanwhile). Afterwards every
 * committed business row has exactly one effect, no rolled-back one has any, nothing is lost,
 * and each key's effects happened in the order its rows were written.
 *
 * <p>Size: {@code -Doutbox.crash.messages=50000 -Doutbox.crash.kills=10} (default 3,000 and 3).
 */
class CrashTest {
    private static final int KEYS = 64;

    @Test
    void everyCommittedChangeHasExactlyOneEffectAcrossKillsOfTheRelayAndTheConsumer() throws Exception {
        int messages = Integer.getInteger("outbox.crash.messages", 3_000);
        int kills = Integer.getInteger("outbox.crash.kills", 3);
        Duration patience = Duration.ofSeconds(120 + messages / 200); // generous: a busy 2-core machine is slow
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String channel = "made-" + UUID.randomUUID().toString().substring(0, 8);
        long started = System.nanoTime();

        try (TestDatabase db = TestDatabase.postgres(4);
             EmbeddedKafka kafka = EmbeddedKafka.builder().property("group.min.session.timeout.ms", "1000").build().start();
             InMemoryBroker unused = InMemoryBroker.create();
             Messaging writer = Messaging.builder().name("writer").broker(Outbox.builder().dataSource(db.dataSource())
                     .build().broker(unused)).codec(JsonCodec.create()).build()) {
            OutboxSchema.create(db.dataSource());
            db.execute("CREATE TABLE business (id BIGINT PRIMARY KEY)");
            db.execute("CREATE TABLE effects (n BIGSERIAL PRIMARY KEY, business_id BIGINT NOT NULL,"
                    + " message_id VARCHAR(255) NOT NULL, partition_key VARCHAR(64) NOT NULL, seq INT NOT NULL)");
            Outbox outbox = Outbox.builder().dataSource(db.dataSource()).build();
            String url = TestDatabase.postgresUrl(db.name);
            Child consumer = new Child("consumer", "consumer", url, kafka.bootstrapServers(), channel);
            Child relayA = new Child("relay", "relay-a", url, kafka.bootstrapServers(), channel);
            Child relayB = new Child("relay", "relay-b", url, kafka.bootstrapServers(), channel);
            List<Child> children = List.of(consumer, relayA, relayB);
            for (Child child : children) {
                child.launch();
            }
            for (Child child : children) {
                child.awaitReady();
            }
            // Session locks of this schema's outbox: the relays' partitions, 12 at most each.
            String locks = "SELECT COUNT(*), COUNT(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    + " AND classid = " + Integer.toUnsignedLong((db.name + ".courier_outbox").hashCode());
            Await.until(patience, "both relays hold partitions, all 16 held", () -> db.count(locks) == 16
                    && db.count(locks.replace("SELECT COUNT(*), COUNT(DISTINCT pid)", "SELECT COUNT(DISTINCT pid)")) == 2);
            System.out.printf("CrashTest: Kafka and the three children up at %.1f s%n", (System.nanoTime() - started) / 1e9);

            Set<Long> committed = new HashSet<>();
            Set<Long> rolledBack = new HashSet<>();
            AtomicLong written = new AtomicLong();
            ExecutorService writing = Executors.newSingleThreadExecutor();
            try {
                Future<?> done = writing.submit(() -> {
                    write(db, outbox, writer, channel, messages, new Random(seed + 1), committed, rolledBack, written);
                    return null;
                });
                long[] at = new long[kills];
                for (int i = 0; i < kills; i++) {
                    at[i] = messages / 10 + (long) (random.nextDouble() * messages * 0.8);
                }
                Arrays.sort(at);
                List<String> killed = new ArrayList<>();
                for (int i = 0; i < kills; i++) {
                    long threshold = at[i];
                    Await.until(patience, () -> "written " + written.get() + " of " + threshold, () -> written.get() >= threshold
                            || done.isDone());
                    Child victim = i < children.size() ? children.get((i + 1) % children.size())
                            : children.get(random.nextInt(children.size()));
                    victim.kill();
                    killed.add(victim.name + "@" + written.get());
                    victim.launch(); // ready is awaited before its next kill, so kills do not wait for restarts

                }
                for (Child child : children) {
                    child.awaitReady();
                }
                done.get(patience.toSeconds(), TimeUnit.SECONDS);
                double wroteAt = (System.nanoTime() - started) / 1e9;
                Await.until(patience, () -> "effects of the " + committed.size() + " committed rows: "
                        + db.count("SELECT COUNT(DISTINCT business_id) FROM effects") + ", outbox backlog "
                        + outbox.backlog(), () -> db.count("SELECT COUNT(DISTINCT business_id) FROM effects")
                        >= committed.size() && outbox.backlog() == 0);
                double drainedAt = (System.nanoTime() - started) / 1e9;
                for (Child child : children) {
                    child.stop();
                }

                Set<Long> effected = new HashSet<>();
                Map<String, Integer> lastSeq = new HashMap<>();
                try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT business_id, partition_key, seq FROM effects ORDER BY n")) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        assertThat(effected.add(id)).as("business row %d has one effect", id).isTrue();
                        int seq = rs.getInt(3);
                        Integer before = lastSeq.put(rs.getString(2), seq);
                        assertThat(before == null || before < seq)
                                .as("key %s: effect of seq %d after seq %s", rs.getString(2), seq, before).isTrue();
                    }
                }
                assertThat(effected).as("no effect of a rolled-back transaction").doesNotContainAnyElementsOf(rolledBack);
                assertThat(effected).as("every committed change has its effect").isEqualTo(committed);
                assertThat(db.count("SELECT COUNT(*) FROM courier_outbox")).isZero();
                assertThat(db.count("SELECT COUNT(*) FROM courier_inbox")).isEqualTo(committed.size());
                System.out.printf("CrashTest: %d messages committed, %d rolled back, %d kills (%s); written at %.1f s,"
                        + " all effects at %.1f s, checked at %.1f s; seed %d%n", committed.size(), rolledBack.size(),
                        kills, killed, wroteAt, drainedAt, (System.nanoTime() - started) / 1e9, seed);
            } finally {
                writing.shutdownNow();
                for (Child child : children) {
                    child.destroy();
                }
            }
        }
    }

    /** One transaction after another: 1 to 8 business rows and their messages; one in ten rolled back. */
    private static void write(TestDatabase db, Outbox outbox, Messaging writer, String channel, int messages,
                              Random random, Set<Long> committed, Set<Long> rolledBack, AtomicLong written)
            throws SQLException {
        int[] seqs = new int[KEYS];
        long nextId = 1;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO business (id) VALUES (?)")) {
            c.setAutoCommit(false);
            while (written.get() < messages) {
                int n = (int) Math.min(1 + random.nextInt(8), messages - written.get());
                boolean rollback = random.nextInt(10) == 0;
                List<Long> ids = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    long id = nextId++;
                    insert.setLong(1, id);
                    insert.executeUpdate();
                    int k = (int) (id % KEYS);
                    Made made = new Made(id, "k" + k, seqs[k]++);
                    outbox.inTransaction(c, () -> writer.publish(channel, made, made.key()));
                    ids.add(id);
                }
                if (rollback) {
                    c.rollback();
                    rolledBack.addAll(ids);
                } else {
                    c.commit();
                    committed.addAll(ids);
                    written.addAndGet(n);
                }
            }
        }
    }

    /** A child JVM of one mode, started again after each kill. */
    private static final class Child {
        final String name;
        final List<String> command;
        Process process;
        boolean ready;

        Child(String mode, String name, String url, String servers, String channel) {
            this.name = name;
            this.command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=error",
                    "-Dorg.slf4j.simpleLogger.log.com.zaxxer.hikari=error",
                    "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), mode, url, servers, channel, name);
        }

        void launch() throws Exception {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            ready = false;
        }

        void awaitReady() throws Exception {
            if (ready) {
                return;
            }
            ready = true;
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("the %s process started", name).isEqualTo("ready");
        }

        void kill() throws Exception {
            awaitReady(); // killed while running, not while starting
            process.destroyForcibly();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the %s process killed", name).isTrue();
        }

        void stop() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            assertThat(process.exitValue()).as("the %s process stopped cleanly", name).isZero();
        }

        void destroy() {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
