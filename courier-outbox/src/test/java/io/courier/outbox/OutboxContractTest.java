package io.courier.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.courier.InvalidArgumentException;
import io.courier.UnavailableException;
import io.courier.json.JsonCodec;
import io.courier.messaging.Message;
import io.courier.messaging.Messaging;
import io.courier.messaging.inmemory.InMemoryBroker;
import io.courier.messaging.Subscription;
import io.courier.messaging.spi.DeliveryHandler;
import io.courier.messaging.spi.MessageBroker;
import io.courier.outbox.Events.Kitchen;
import io.courier.outbox.Events.OrderPlaced;
import io.courier.outbox.internal.RowBytes;
import io.courier.outbox.testing.LateConfirmingBroker;
import io.courier.test.Await;
import io.courier.test.LogCapture;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the outbox and its polling relay promise, on a real database: a message is published
 * exactly when its transaction commits; a row that commits after a row with a higher id is
 * published, not skipped; each key's messages arrive in order with two relays sharing the
 * partitions and one of them stopping; and bad use fails with a message saying what to do.
 * Run against PostgreSQL and MariaDB by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutboxContractTest {
    static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final AtomicInteger TABLES = new AtomicInteger();

    TestDatabase db;
    String prefix;
    InMemoryBroker real;
    final List<AutoCloseable> closing = new ArrayList<>();

    abstract Dialect dialect();

    @BeforeAll
    void database() {
        db = TestDatabase.of(dialect());
    }

    @AfterAll
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void tables() {
        prefix = "t" + TABLES.incrementAndGet() + "_";
        OutboxSchema.create(db.dataSource(), prefix);
        db.execute("CREATE TABLE " + prefix + "orders (id VARCHAR(64) PRIMARY KEY)");
        real = InMemoryBroker.create();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        closing.clear();
        real.close();
    }

    <T extends AutoCloseable> T closing(T c) {
        closing.add(c);
        return c;
    }

    Outbox.Builder outbox() {
        return Outbox.builder().dataSource(db.dataSource()).tablePrefix(prefix);
    }

    OutboxRelay.Builder quick(OutboxRelay.Builder relay) {
        return relay.minPollInterval(Duration.ofMillis(1)).maxPollInterval(Duration.ofMillis(20))
                .claimInterval(Duration.ofMillis(50));
    }

    Messaging messaging(Outbox outbox) {
        return closing(Messaging.builder().name("orders").broker(outbox.broker(real)).codec(JsonCodec.create()).build());
    }

    void insertOrder(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix + "orders (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    @Test
    void aMessageIsPublishedExactlyWhenItsTransactionCommits() {
        Outbox outbox = outbox().build();
        Messaging messaging = messaging(outbox);
        List<OrderPlaced> billed = new CopyOnWriteArrayList<>();
        messaging.subscribe(OrderPlaced.class, "billing", billed::add);

        outbox.transaction(c -> {
            insertOrder(c, "o-1");
            messaging.publish(new OrderPlaced("o-1", 1), "o-1");
            return null;
        });
        assertThatThrownBy(() -> outbox.transaction(c -> {
            insertOrder(c, "o-2");
            messaging.publish(new OrderPlaced("o-2", 1), "o-2");
            throw new SQLException("the business rule refused o-2");
        })).isInstanceOf(UnavailableException.class).hasMessageContaining("rolled back")
                .hasMessageContaining("the business rule refused o-2");
        assertThat(outbox.backlog()).as("only the committed message waits").isEqualTo(1);
        assertThat(billed).as("nothing reaches the broker before the relay runs").isEmpty();

        OutboxRelay relay = closing(quick(outbox.relay(real)).start());
        Await.until(PATIENCE, () -> "o-1 delivered: " + billed, () -> billed.size() == 1);
        outbox.transaction(c -> {
            insertOrder(c, "o-3");
            messaging.publish(new OrderPlaced("o-3", 1), "o-3");
            return null;
        });
        Await.until(PATIENCE, () -> "o-3 delivered: " + billed, () -> billed.size() == 2);
        assertThat(billed).extracting(OrderPlaced::order).containsExactly("o-1", "o-3");
        Await.until(PATIENCE, "the outbox emptied", () -> outbox.backlog() == 0);
        assertThat(db.count("SELECT COUNT(*) FROM " + prefix + "outbox")).as("published rows are deleted").isZero();
        // The relay counts a batch once its delete returned, a moment after other connections see it.
        Await.until(PATIENCE, () -> "both counted as published: " + relay.published(), () -> relay.published() == 2);
        assertThat(relay.lastLatency()).isPositive().isLessThan(PATIENCE);
        assertThat(relay.partitionsHeld()).hasSize(16);
    }

    @Test
    void aCommitThroughTheOutboxWakesItsIdleRelayAtOnce() {
        Outbox outbox = outbox().build();
        Messaging messaging = messaging(outbox);
        List<OrderPlaced> billed = new CopyOnWriteArrayList<>();
        messaging.subscribe(OrderPlaced.class, "billing", billed::add);
        // Idle, this relay would not poll again for a minute.
        OutboxRelay relay = closing(outbox.relay(real).minPollInterval(Duration.ofMinutes(1))
                .maxPollInterval(Duration.ofMinutes(2)).claimInterval(Duration.ofMinutes(1)).start());
        Await.until(PATIENCE, "the first, empty poll", () -> relay.polls() == 1);
        outbox.transaction(c -> {
            messaging.publish(new OrderPlaced("o-1", 1), "o-1");
            return null;
        });
        Await.until(PATIENCE, "delivered long before the next poll was due", () -> billed.size() == 1);
    }

    @Test
    void oneWayCommandsGoThroughTheOutboxToo() {
        Outbox outbox = outbox().build();
        Messaging messaging = messaging(outbox);
        List<String> prepared = new CopyOnWriteArrayList<>();
        messaging.handle(Kitchen.class, prepared::add);
        Kitchen kitchen = messaging.commands(Kitchen.class);
        outbox.transaction(c -> {
            kitchen.prepare("o-1");
            return null;
        });
        assertThatThrownBy(() -> outbox.transaction(c -> {
            kitchen.prepare("o-2");
            throw new SQLException("rolled back");
        })).isInstanceOf(UnavailableException.class);
        closing(quick(outbox.relay(real)).start());
        outbox.transaction(c -> {
            kitchen.prepare("o-3");
            return null;
        });
        Await.until(PATIENCE, () -> "the committed commands handled: " + prepared, () -> prepared.size() == 2);
        assertThat(prepared).as("no key, no order").containsExactlyInAnyOrder("o-1", "o-3");
    }

    @Test
    void aSendTheBrokerFailsIsSentAgainAndNothingIsLost() {
        Outbox outbox = outbox().build();
        Set<String> got = ConcurrentHashMap.newKeySet();
        closing(real.subscribe("gaps", "readers", d -> {
            got.add(new String(d.message().payload(), StandardCharsets.UTF_8));
            d.ack();
        }));
        AtomicInteger sends = new AtomicInteger();
        MessageBroker failing = new MessageBroker() { // every third send refused
            @Override
            public CompletableFuture<Void> send(Message message) {
                return sends.incrementAndGet() % 3 == 0
                        ? CompletableFuture.failedFuture(new UnavailableException("the broker refused " + message.id()))
                        : real.send(message);
            }

            @Override
            public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
                return real.subscribe(channel, group, handler);
            }

            @Override
            public void close() {
            }
        };
        int n = 100;
        outbox.transaction(c -> {
            for (int i = 0; i < n; i++) {
                outbox.write(c, text("k" + (i % 5), "m" + i));
            }
            return null;
        });
        try (LogCapture log = LogCapture.start()) {
            OutboxRelay relay = closing(quick(outbox.relay(failing)).batchSize(10).start());
            Await.until(PATIENCE, () -> "all published: " + relay.published(), () -> relay.published() == n);
            assertThat(log.lines("WARN")).isNotEmpty().allSatisfy(line -> assertThat(line)
                    .contains("the broker confirmed").contains("the rest are sent again").contains("the broker refused"));
        }
        // Confirmed by the broker is not yet delivered: the subscriber gets the last ones a moment later.
        Await.until(PATIENCE, () -> "all delivered: " + got.size(), () -> got.size() == n);
        assertThat(got).hasSize(n);
        assertThat(sends.get()).as("the refused sends were made again").isGreaterThan(n);
        assertThat(outbox.backlog()).isZero();
    }

    @Test
    void aSendWithoutATransactionFailsNamingWhatToDo() {
        Messaging messaging = messaging(outbox().build());
        assertThatThrownBy(() -> messaging.publish(new OrderPlaced("o-1", 1), "o-1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no transaction bound")
                .hasMessageContaining("outbox.transaction(connection -> ...)")
                .hasMessageContaining("sendWithoutTransaction(true)");
        assertThat(db.count("SELECT COUNT(*) FROM " + prefix + "outbox")).isZero();

        Messaging direct = messaging(outbox().sendWithoutTransaction(true).build());
        List<OrderPlaced> got = new CopyOnWriteArrayList<>();
        direct.subscribe(OrderPlaced.class, "billing", got::add);
        direct.publish(new OrderPlaced("o-2", 1), "o-2");
        Await.until(PATIENCE, "the direct send delivered", () -> got.size() == 1);
        assertThat(db.count("SELECT COUNT(*) FROM " + prefix + "outbox")).isZero();
    }

    @Test
    void rowsReadWhileABatchAwaitsTheBrokerAreSentOnlyAfterItIsConfirmedAndReadAgainWhenItFails() throws Exception {
        Outbox outbox = outbox().build();
        List<String> sent = new CopyOnWriteArrayList<>();
        List<Long> pollsAtSend = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> confirmations = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<OutboxRelay> relayRef = new java.util.concurrent.atomic.AtomicReference<>();
        MessageBroker held = new MessageBroker() { // confirms only when the test says so
            @Override
            public CompletableFuture<Void> send(Message message) {
                sent.add(new String(message.payload(), StandardCharsets.UTF_8));
                pollsAtSend.add(relayRef.get().polls());
                CompletableFuture<Void> f = new CompletableFuture<>();
                confirmations.add(f);
                return f;
            }

            @Override
            public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
                return real.subscribe(channel, group, handler);
            }

            @Override
            public void close() {
            }
        };
        outbox.transaction(c -> outbox.write(c, text("k", "first")));
        // A long shortest interval: the poll made while a batch waits comes that long after the batch's poll.
        OutboxRelay relay = outbox.relay(held).minPollInterval(Duration.ofSeconds(2)).maxPollInterval(Duration.ofSeconds(5))
                .claimInterval(Duration.ofMillis(50)).build();
        relayRef.set(relay);
        closing(relay.start());
        Await.until(PATIENCE, "the first row sent", () -> sent.size() == 1);
        outbox.transaction(c -> outbox.write(c, text("k", "second")));
        Await.until(PATIENCE, "the poll made while the first awaits its confirmation", () -> relay.polls() == 2);
        assertThat(sent).as("nothing sent before the batch ahead is confirmed").containsExactly("first");

        confirmations.get(0).complete(null);
        Await.until(PATIENCE, () -> "the row read ahead sent: " + sent, () -> sent.size() == 2);
        assertThat(sent).containsExactly("first", "second");
        assertThat(pollsAtSend.get(1)).as("sent from the poll made while waiting, no poll after the confirmation")
                .isEqualTo(2);
        outbox.transaction(c -> outbox.write(c, text("k", "third")));
        Await.until(PATIENCE, "the poll made while the second awaits its confirmation", () -> relay.polls() == 3);
        assertThat(sent).containsExactly("first", "second");

        confirmations.get(1).completeExceptionally(new UnavailableException("the broker refused second"));
        Await.until(PATIENCE, () -> "sent again after the failure: " + sent, () -> sent.size() == 4);
        assertThat(sent).as("the rows read while the failed batch waited are read again, after it")
                .containsExactly("first", "second", "second", "third");
        confirmations.get(2).complete(null);
        confirmations.get(3).complete(null);
        Await.until(PATIENCE, "all published", () -> relay.published() == 3);
        assertThat(outbox.backlog()).isZero();
    }

    @Test
    void aBatchHoldsAtMostItsByteBoundAndRowsFarAboveItAllFlowInOrder() throws Exception {
        Outbox outbox = outbox().build();
        int bound = 256 * 1024;
        int big = 600 * 1024; // larger than the bound: sent alone
        List<String> written = new ArrayList<>();
        for (int t = 0; t < 4; t++) { // 40 rows of 48 KiB and one of 600 KiB, about ten times the bound
            int tx = t;
            outbox.transaction(c -> {
                for (int i = 0; i < 10; i++) {
                    int seq = tx * 10 + i;
                    String key = "k" + seq % 3;
                    outbox.write(c, sized(key, seq, 48 * 1024));
                    written.add(key + ":" + seq);
                    if (tx == 1 && i == 4) {
                        outbox.write(c, sized(key, 1000, big));
                        written.add(key + ":" + 1000);
                    }
                }
                return null;
            });
        }
        long largestRow = db.count("SELECT MAX(" + RowBytes.SQL + ") FROM " + prefix + "outbox");
        assertThat(largestRow).isGreaterThan(big);
        LateConfirmingBroker broker = closing(new LateConfirmingBroker(Duration.ofMillis(20)));
        OutboxRelay relay = closing(quick(outbox.relay(broker)).maxBatchBytes(bound).start());
        Await.until(PATIENCE, () -> "all published: " + relay.published(), () -> relay.published() == 41);

        List<LateConfirmingBroker.Send> sends = broker.sends();
        assertThat(sends).extracting(s -> s.payload().substring(0, s.payload().indexOf(';')))
                .as("each once, in order").containsExactlyElementsOf(written);
        assertThat(sends).filteredOn(s -> s.bytes() <= bound).as("never more than the bound awaiting the broker")
                .allSatisfy(s -> assertThat(s.unconfirmed()).isLessThanOrEqualTo(bound));
        assertThat(sends).filteredOn(s -> s.bytes() == big).singleElement()
                .satisfies(s -> assertThat(s.unconfirmed()).as("the large row alone").isEqualTo(big));
        assertThat(relay.largestBatchBytes()).as("held at once by the relay")
                .isGreaterThan(bound / 2).isLessThanOrEqualTo(Math.max(bound, largestRow));
        assertThat(outbox.backlog()).isZero();
    }

    /** A message of {@code bytes} bytes whose payload starts with {@code key:seq;}. */
    private static Message sized(String key, int seq, int bytes) {
        byte[] payload = new byte[bytes];
        java.util.Arrays.fill(payload, (byte) 'x');
        byte[] head = (key + ":" + seq + ";").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, payload, 0, head.length);
        return Message.builder().channel("sized").partitionKey(key).payload(payload).build();
    }

    @Test
    void aRowThatCommitsAfterAHigherIdIsPublishedNotSkipped() throws Exception {
        Outbox outbox = outbox().build();
        List<String> got = new CopyOnWriteArrayList<>();
        closing(real.subscribe("gaps", "readers", d -> {
            got.add(new String(d.message().payload(), StandardCharsets.UTF_8));
            d.ack();
        }));
        OutboxRelay relay = closing(quick(outbox.relay(real)).start());
        try (Connection t1 = db.dataSource().getConnection(); Connection t2 = db.dataSource().getConnection()) {
            t1.setAutoCommit(false);
            t2.setAutoCommit(false);
            long first = outbox.write(t1, text("k", "first"));          // the lower id, committed last
            long second = outbox.write(t2, text("k", "second"));
            assertThat(first).isLessThan(second);
            t2.commit();
            Await.until(PATIENCE, () -> "the committed higher id published: " + got, () -> got.contains("second"));
            Await.until(PATIENCE, "the higher id removed", () -> relay.published() == 1);
            long polls = relay.polls();
            Await.until(PATIENCE, "the relay polled twice more past the gap", () -> relay.polls() >= polls + 2);
            assertThat(got).containsExactly("second");
            assertThat(relay.published()).isEqualTo(1);
            t1.commit();
        }
        Await.until(PATIENCE, () -> "the lower id published after its late commit: " + got, () -> got.size() == 2);
        assertThat(got).as("commit order for the key").containsExactly("second", "first");
        Await.until(PATIENCE, "the outbox emptied", () -> db.count("SELECT COUNT(*) FROM " + prefix + "outbox") == 0);
    }

    @Test
    void twoRelaysShareThePartitionsKeepEachKeysOrderAndOneTakesOverWhenTheOtherStops() throws Exception {
        Outbox outbox = outbox().partitions(8).build();
        Map<String, List<Integer>> byKey = new HashMap<>();
        AtomicInteger received = new AtomicInteger();
        closing(real.subscribe("ordered", "readers", d -> {
            String[] kv = new String(d.message().payload(), StandardCharsets.UTF_8).split(":");
            synchronized (byKey) {
                byKey.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(Integer.parseInt(kv[1]));
            }
            received.incrementAndGet();
            d.ack();
        }));
        OutboxRelay a = closing(quick(outbox.relay(real)).name("relay-a").batchSize(50).maxPartitions(4).start());
        Await.until(PATIENCE, "relay a holds 4 partitions", () -> a.partitionsHeld().size() == 4);
        OutboxRelay b = closing(quick(outbox.relay(real)).name("relay-b").batchSize(50).start());
        Await.until(PATIENCE, "relay b holds the other 4", () -> b.partitionsHeld().size() == 4);
        assertThat(a.partitionsHeld()).doesNotContainAnyElementsOf(b.partitionsHeld());

        int keys = 20;
        int perKey = 60;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            for (int seq = 0; seq < perKey; seq++) {
                for (int k = 0; k < keys; k++) {
                    outbox.write(c, text("key-" + k, "key-" + k + ":" + seq));
                }
                c.commit();
                if (seq == perKey / 2) {
                    a.close(); // b takes a's partitions at its next claim
                }
            }
        }
        Await.until(PATIENCE, () -> "every message delivered: " + received.get(), () -> received.get() >= keys * perKey);
        Await.until(PATIENCE, "relay b holds all 8", () -> b.partitionsHeld().size() == 8);
        Await.until(PATIENCE, "every row removed", () -> a.published() + b.published() == keys * perKey);
        assertThat(received.get()).as("a graceful stop hands nothing twice").isEqualTo(keys * perKey);
        synchronized (byKey) {
            assertThat(byKey).hasSize(keys);
            for (Map.Entry<String, List<Integer>> e : byKey.entrySet()) {
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < perKey; i++) {
                    expected.add(i);
                }
                assertThat(e.getValue()).as("the order of " + e.getKey()).isEqualTo(expected);
            }
        }
        assertThat(a.published()).isPositive();
        assertThat(db.count("SELECT COUNT(*) FROM " + prefix + "outbox")).isZero();
    }

    @Test
    void aRowThatCannotBeReadIsParkedOnceAndTheRowsAfterItFlow() throws Exception {
        Outbox outbox = outbox().partitions(1).build();
        List<String> got = new CopyOnWriteArrayList<>();
        closing(real.subscribe("gaps", "readers", d -> {
            got.add(new String(d.message().payload(), StandardCharsets.UTF_8));
            d.ack();
        }));
        long broken;
        long noChannel;
        try (Connection c = db.dataSource().getConnection()) {
            outbox.write(c, text("k", "before"));
            broken = outbox.write(c, text("k", "broken"));
            noChannel = outbox.write(c, text("k", "no channel"));
            outbox.write(c, text("k", "after"));
        }
        db.execute("UPDATE " + prefix + "outbox SET headers = 'courier-id=x&no-equals-sign' WHERE id = " + broken);
        db.execute("UPDATE " + prefix + "outbox SET headers = 'courier-id=y&courier-channel=' WHERE id = " + noChannel);
        try (LogCapture log = LogCapture.start()) {
            OutboxRelay relay = closing(quick(outbox.relay(real)).start());
            Await.until(PATIENCE, () -> "the rows around the bad ones published: " + got, () -> got.size() == 2);
            Await.until(PATIENCE, "both bad rows parked", () -> relay.parked() == 2);
            long polls = relay.polls();
            Await.until(PATIENCE, "the relay polled on", () -> relay.polls() >= polls + 3);
            assertThat(got).as("in order, each once").containsExactly("before", "after");
            assertThat(outbox.backlog()).isZero();
            assertThat(log.lines("ERROR")).as("one line per parked row, not one per poll").hasSize(2);
            assertThat(log.lines("ERROR").get(0)).contains("parked outbox row " + broken)
                    .contains("headers: \"no-equals-sign\" (expected: name=value, form-encoded)")
                    .contains(prefix + "outbox_parked");
            assertThat(log.lines("ERROR").get(1)).contains("parked outbox row " + noChannel)
                    .contains("channel: \"\" (expected: a non-empty string)");
        }
        assertThat(db.count("SELECT COUNT(*) FROM " + prefix + "outbox_parked WHERE id IN (" + broken + ", " + noChannel
                + ") AND reason LIKE 'outbox row %' AND parked_at > 0 AND headers LIKE 'courier-id=%'"))
                .as("set aside whole, with why").isEqualTo(2);
    }

    @Test
    void aRowWithANullColumnIsParkedToo() throws Exception {
        if (dialect() == Dialect.POSTGRESQL) { // as an older or hand-made table might have it
            db.execute("ALTER TABLE " + prefix + "outbox ALTER COLUMN headers DROP NOT NULL");
            db.execute("ALTER TABLE " + prefix + "outbox ALTER COLUMN payload DROP NOT NULL");
        } else {
            db.execute("ALTER TABLE " + prefix + "outbox MODIFY headers MEDIUMTEXT NULL, MODIFY payload LONGBLOB NULL");
        }
        Outbox outbox = outbox().partitions(1).build();
        List<String> got = new CopyOnWriteArrayList<>();
        closing(real.subscribe("gaps", "readers", d -> {
            got.add(new String(d.message().payload(), StandardCharsets.UTF_8));
            d.ack();
        }));
        long noHeaders;
        long noPayload;
        try (Connection c = db.dataSource().getConnection()) {
            noHeaders = outbox.write(c, text("k", "no headers"));
            noPayload = outbox.write(c, text("k", "no payload"));
            outbox.write(c, text("k", "after"));
        }
        db.execute("UPDATE " + prefix + "outbox SET headers = NULL WHERE id = " + noHeaders);
        db.execute("UPDATE " + prefix + "outbox SET payload = NULL WHERE id = " + noPayload);
        try (LogCapture log = LogCapture.start()) {
            OutboxRelay relay = closing(quick(outbox.relay(real)).start());
            Await.until(PATIENCE, () -> "the row after published: " + got, () -> got.contains("after"));
            Await.until(PATIENCE, "both parked", () -> relay.parked() == 2);
            assertThat(log.lines("ERROR")).hasSize(2);
            assertThat(log.lines("ERROR").get(0)).contains("parked outbox row " + noHeaders)
                    .contains("column headers: null (expected: ");
            assertThat(log.lines("ERROR").get(1)).contains("parked outbox row " + noPayload)
                    .contains("column payload: null (expected: ");
            assertThat(log.lines("WARN")).as("no reconnect loop").isEmpty();
        }
        assertThat(got).containsExactly("after");
        assertThat(db.count("SELECT COUNT(*) FROM " + prefix + "outbox_parked")).isEqualTo(2);
    }

    @Test
    void withoutTheParkedTableTheRelayNamesTheTableKeepsTheRowAndParksItOnceTheTableIsThere() throws Exception {
        db.execute("DROP TABLE " + prefix + "outbox_parked"); // a table made by an older migration script
        Outbox outbox = outbox().partitions(1).build();
        List<String> got = new CopyOnWriteArrayList<>();
        closing(real.subscribe("gaps", "readers", d -> {
            got.add(new String(d.message().payload(), StandardCharsets.UTF_8));
            d.ack();
        }));
        long broken = outbox.transaction(c -> {
            outbox.write(c, text("k", "before"));
            long id = outbox.write(c, text("k", "broken"));
            outbox.write(c, text("k", "after"));
            return id;
        });
        db.execute("UPDATE " + prefix + "outbox SET headers = 'no-equals-sign' WHERE id = " + broken);
        try (LogCapture log = LogCapture.start()) {
            OutboxRelay relay = closing(quick(outbox.relay(real)).start());
            Await.until(PATIENCE, () -> "the missing table named: " + log, () -> log.lines("WARN").stream()
                    .anyMatch(l -> l.contains("parking outbox row " + broken + " in " + prefix + "outbox_parked failed")
                            && l.contains("(expected: the table " + prefix + "outbox_parked, which OutboxSchema.create"
                            + " makes)")));
            Await.until(PATIENCE, () -> "the rows around it published: " + got, () -> got.size() == 2);
            assertThat(db.count("SELECT COUNT(*) FROM " + prefix + "outbox WHERE id = " + broken)).as("kept").isOne();
            assertThat(relay.parked()).isZero();
            OutboxSchema.create(db.dataSource(), prefix);
            Await.until(PATIENCE, "parked once the table is there", () -> relay.parked() == 1);
            assertThat(outbox.backlog()).isZero();
        }
        assertThat(got).containsExactly("before", "after");
    }

    @Test
    void aMessageTheBrokerRefusesForGoodIsParkedOnceAndTheOthersFlow() {
        Outbox outbox = outbox().partitions(1).build();
        List<String> got = new CopyOnWriteArrayList<>();
        closing(real.subscribe("gaps", "readers", d -> {
            got.add(new String(d.message().payload(), StandardCharsets.UTF_8));
            d.ack();
        }));
        AtomicInteger bigSends = new AtomicInteger();
        MessageBroker limited = new MessageBroker() { // a broker with a 1 KiB message limit
            @Override
            public CompletableFuture<Void> send(Message message) {
                if (message.payload().length > 1024) {
                    bigSends.incrementAndGet();
                    return CompletableFuture.failedFuture(new InvalidArgumentException("payload: "
                            + message.payload().length + " bytes (expected: at most 1024)"));
                }
                return real.send(message);
            }

            @Override
            public Subscription subscribe(String channel, String group, DeliveryHandler handler) {
                return real.subscribe(channel, group, handler);
            }

            @Override
            public void close() {
            }
        };
        long big = outbox.transaction(c -> {
            outbox.write(c, text("k", "small 1"));
            long id = outbox.write(c, text("k", "x".repeat(4096)));
            outbox.write(c, text("k", "small 2"));
            return id;
        });
        try (LogCapture log = LogCapture.start()) {
            OutboxRelay relay = closing(quick(outbox.relay(limited)).start());
            Await.until(PATIENCE, () -> "the small ones published: " + got, () -> got.size() == 2);
            Await.until(PATIENCE, "the big one parked", () -> relay.parked() == 1);
            long polls = relay.polls();
            Await.until(PATIENCE, "the relay polled on", () -> relay.polls() >= polls + 3);
            assertThat(bigSends.get()).as("refused for good: not sent again and again").isEqualTo(1);
            assertThat(log.lines("ERROR")).singleElement().satisfies(line -> assertThat(line)
                    .contains("parked outbox row " + big).contains("the broker refused it for good")
                    .contains("payload: 4096 bytes (expected: at most 1024)"));
        }
        assertThat(got).containsExactly("small 1", "small 2");
        assertThat(outbox.backlog()).isZero();
        assertThat(db.count("SELECT COUNT(*) FROM " + prefix + "outbox_parked WHERE id = " + big)).isEqualTo(1);
    }

    @Test
    void theRelayComesBackWhenTheDatabaseEndsItsSessionAndLeaksNoConnection() throws Exception {
        Outbox outbox = outbox().build();
        Set<String> got = ConcurrentHashMap.newKeySet();
        closing(real.subscribe("gaps", "readers", d -> {
            got.add(new String(d.message().payload(), StandardCharsets.UTF_8));
            d.ack();
        }));
        HikariDataSource pool = (HikariDataSource) db.dataSource();
        try (LogCapture log = LogCapture.start()) {
            OutboxRelay relay = closing(quick(outbox.relay(real)).name("relay-" + prefix).start());
            for (int round = 0; round < 3; round++) {
                String m = "m" + round;
                outbox.transaction(c -> outbox.write(c, text("k" + m, m)));
                Await.until(PATIENCE, () -> m + " published: " + got, () -> got.contains(m));
                Await.until(PATIENCE, "all partitions held", () -> relay.partitionsHeld().size() == 16);
                killRelaySession(outbox);
            }
            outbox.transaction(c -> outbox.write(c, text("k", "last")));
            Await.until(PATIENCE, () -> "published after the last kill: " + got, () -> got.contains("last"));
            Await.until(PATIENCE, "every row removed", () -> outbox.backlog() == 0);
            List<String> relayWarnings = log.lines("WARN").stream().filter(l -> l.contains("RelayWorker")).toList();
            assertThat(relayWarnings).as(log.toString()).isNotEmpty().allSatisfy(line -> assertThat(line)
                    .contains("releasing its partitions and trying again"));
            relay.close();
        }
        assertThat(got).containsExactlyInAnyOrder("m0", "m1", "m2", "last");
        Await.until(PATIENCE, () -> "every connection back in the pool: "
                + pool.getHikariPoolMXBean().getActiveConnections(),
                () -> pool.getHikariPoolMXBean().getActiveConnections() == 0);
    }

    /** Ends the database session of the relay holding partition 0 of {@code outbox}, from another one. */
    private void killRelaySession(Outbox outbox) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            if (dialect() == Dialect.POSTGRESQL) {
                int space = (c.getSchema() + "." + outbox.table()).hashCode();
                try (ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE"
                        + " locktype = 'advisory' AND classid = " + Integer.toUnsignedLong(space) + " AND objid = 0")) {
                    assertThat(rs.next()).as("the relay's session found").isTrue();
                }
            } else {
                long id;
                try (ResultSet rs = st.executeQuery("SELECT IS_USED_LOCK(CONCAT('courier:', MD5(CONCAT(DATABASE(), '.', '"
                        + outbox.table() + "')), ':', 0))")) {
                    rs.next();
                    id = rs.getLong(1);
                    assertThat(rs.wasNull()).as("the relay's session found").isFalse();
                }
                st.execute("KILL CONNECTION " + id);
            }
        }
    }

    @Test
    void theSchemaIsIdempotentAndPrefixesAreChecked() {
        OutboxSchema.create(db.dataSource(), prefix); // again: nothing happens
        assertThat(OutboxSchema.script(dialect())).contains("CREATE TABLE IF NOT EXISTS courier_outbox");
        assertThat(OutboxSchema.statements(dialect(), "billing_")).allSatisfy(s -> assertThat(s)
                .doesNotContain("courier_").doesNotContain("--"));
        assertThatThrownBy(() -> OutboxSchema.create(db.dataSource(), "x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tablePrefix: \"x; DROP TABLE y\" (expected: letters, digits and underscores");
        assertThatThrownBy(() -> Outbox.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dataSource: not set");
        assertThatThrownBy(() -> outbox().build().relay(real).minPollInterval(Duration.ofSeconds(2)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minPollInterval");
    }

    static Message text(String key, String text) {
        return Message.builder().channel(key.startsWith("key-") ? "ordered" : "gaps").partitionKey(key)
                .payload(text.getBytes(StandardCharsets.UTF_8)).build();
    }
}
